using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using N3ttrace.Connections;

namespace N3ttrace.Cli.Live;

/// <summary>
/// Draws frames on stdout. On a TTY (TUI mode): alternate screen, cursor home, one coloured line
/// per row (blue normal, yellow anomaly, red threat), redrawn at the terminal's current size and on
/// SIGWINCH; the only escape sequences written are the ones here. Otherwise (batch mode): plain
/// frames one after another, no escape sequence at all.
/// </summary>
public sealed class TerminalView : FrameWorker
{
    public const string EnterScreen = "\e[?1049h\e[?25l";
    public const string LeaveScreen = "\e[0m\e[?25h\e[?1049l";
    public const string Home = "\e[H";
    public const string ClearLineEnd = "\e[K";
    public const string ClearBelow = "\e[J";
    public const string Reset = "\e[0m";
    public const string Bold = "\e[1m";

    private readonly LiveControls _controls;
    private readonly bool _tui;
    private readonly Stream _out;
    private readonly PosixSignalRegistration? _winch;
    private LiveFrame? _last;
    private bool _entered;

    public TerminalView(LiveControls controls, bool tui, Stream stdout, ILogger log) : base("live-terminal", log)
    {
        _controls = controls;
        _tui = tui;
        _out = stdout;
        if (tui)
        {
            _winch = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => Wake());
        }
    }

    public static string Color(RiskLevel level) => level switch
    {
        RiskLevel.Threat => "\e[1;31m",
        RiskLevel.Anomaly => "\e[33m",
        _ => "\e[34m",
    };

    protected override void Draw(LiveFrame? frame)
    {
        if (!_tui)
        {
            if (frame is not null)
            {
                Write(LogView.Text(frame, Width(LiveOptions.BatchWidth)));
            }
            return;
        }
        if (frame is not null && (!_controls.Paused || _last is null || frame.Final))
        {
            _last = frame;
        }
        if (_last is null)
        {
            return;
        }
        var (width, height) = Size();
        var sb = new StringBuilder();
        if (!_entered)
        {
            sb.Append(EnterScreen);
            _entered = true;
        }
        sb.Append(Home);
        var fixedLines = FrameLayout.FixedLines(_last);
        var lines = _controls.ShowHelp
            ? KeyHelp.Lines.Select(t => new ScreenLine(DisplayText.Cut(t, width), null)).ToList()
            : FrameLayout.Lay(_last, width, _controls.Paused && !_last.Final, maxRows: height - fixedLines - 2);
        if (lines.Count > height - 1)
        {
            lines = lines.Take(height - 1).ToList(); // a pane taller than the terminal: the key line still shows
        }
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (i > 0)
            {
                sb.Append("\r\n");
            }
            sb.Append(line.Level is { } l ? Color(l) : !_controls.ShowHelp && i == fixedLines - 1 ? Bold : "");
            sb.Append(line.Text).Append(Reset).Append(ClearLineEnd);
        }
        // The key line on the terminal's last row: blank lines down to it (only the codes above, no cursor addressing).
        for (var i = lines.Count; i < height - 1; i++)
        {
            sb.Append("\r\n").Append(ClearLineEnd);
        }
        sb.Append("\r\n").Append(Bold).Append(DisplayText.Cut(_controls.ShowHelp ? KeyHelp.CloseLine : KeyHelp.KeyLine, width)).Append(Reset).Append(ClearLineEnd);
        Write(sb.ToString());
    }

    protected override void Close()
    {
        _winch?.Dispose();
        if (_entered)
        {
            // Back to the normal screen, leaving the last frame there in plain text.
            Write(LeaveScreen + (_last is null ? "" : LogView.Text(_last, Size().Width)));
        }
    }

    private void Write(string s)
    {
        _out.Write(Encoding.UTF8.GetBytes(s));
        _out.Flush();
    }

    /// <summary>The terminal's size; without one (0 x 0, e.g. no controlling tty) COLUMNS and LINES, else 80 x 24.</summary>
    private static (int Width, int Height) Size()
    {
        int w, h;
        try
        {
            (w, h) = (Console.WindowWidth, Console.WindowHeight);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or PlatformNotSupportedException)
        {
            (w, h) = (0, 0);
        }
        return (w > 0 ? Math.Max(20, w) : Width(80),
            Math.Max(FrameLayout.HeaderLines + 3, h > 0 ? h : Env("LINES", FrameLayout.HeaderLines + 3, 24)));
    }

    private static int Width(int fallback) => Env("COLUMNS", 20, fallback);

    private static int Env(string name, int min, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var v) && v >= min ? v : fallback;
}
