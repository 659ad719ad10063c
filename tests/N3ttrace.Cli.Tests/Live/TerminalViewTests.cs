using System.Text;
using System.Text.RegularExpressions;
using N3ttrace.Cli.Live;
using Microsoft.Extensions.Logging.Abstractions;

namespace N3ttrace.Core.Tests.Live;

public partial class TerminalViewTests
{
    [GeneratedRegex(@"\e\[[?0-9;]*[mHKJhl]")]
    private static partial Regex OwnCodes();

    private static string Draw(bool tui, params LiveFrame[] frames)
    {
        var stream = new MemoryStream();
        using (var view = new TerminalView(new LiveControls(), tui, stream, NullLogger.Instance))
        {
            view.Start();
            foreach (var f in frames)
            {
                view.Post(f);
                Thread.Sleep(50);
            }
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void Batch_mode_writes_no_escape_code()
    {
        var text = Draw(tui: false, FrameLayoutTests.Frame());
        Assert.DoesNotContain('\e', text);
        Assert.DoesNotContain(text, c => c < ' ' && c != '\n');
        Assert.Contains(@"\x1b]2;PWNED\x07", text);
    }

    [Fact]
    public void Tui_writes_only_its_own_codes_and_colours_rows_by_level()
    {
        var text = Draw(tui: true, FrameLayoutTests.Frame(), FrameLayoutTests.Frame());
        Assert.StartsWith(TerminalView.EnterScreen, text);
        Assert.Contains(TerminalView.LeaveScreen, text);
        Assert.Contains("\e[34m.", text);     // normal: blue
        Assert.Contains("\e[33m!", text);     // anomaly: yellow
        Assert.Contains("\e[1;31m!!", text);  // threat: red
        var rest = OwnCodes().Replace(text, "");
        Assert.DoesNotContain('\e', rest);
        Assert.DoesNotContain(rest, c => c < ' ' && c != '\n' && c != '\r');
    }

    [Fact]
    public void Keys_cycle_sort_pause_and_quit()
    {
        var c = new LiveControls();
        var quit = 0;
        c.QuitRequested += () => quit++;
        Assert.Equal(SortMode.Risk, c.Sort);
        Assert.True(c.OnKey('s'));
        Assert.Equal(SortMode.Lifetime, c.Sort);
        c.OnKey('S');
        Assert.Equal(SortMode.Pid, c.Sort);
        c.OnKey('s');
        Assert.Equal(SortMode.Risk, c.Sort);
        Assert.True(c.OnKey('p'));
        Assert.True(c.Paused);
        Assert.False(c.OnKey('x'));
        c.OnKey('q');
        Assert.Equal(1, quit);
    }
}
