using System.Text;
using N3ttrace.Cli.Live;

namespace N3ttrace.Core.Tests.Live;

public sealed class RollingLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("n3t-roll-").FullName;
    private string LogPath => Path.Combine(_dir, "n3ttrace.log.txt");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Entry(int i) => $"frame {i:D5} " + new string('x', 1000) + "\n";

    [Fact]
    public void Rolls_by_size_and_keeps_n_old_files()
    {
        using (var log = new RollingLog(LogPath, 4096, keep: 2))
        {
            for (var i = 0; i < 20; i++)
            {
                log.Write(Entry(i));
            }
            Assert.Equal(4, log.Rolls); // 1013-byte entries, four to a 4096-byte file
        }
        Assert.True(File.Exists(LogPath));
        Assert.True(File.Exists(LogPath + ".1"));
        Assert.True(File.Exists(LogPath + ".2"));
        Assert.False(File.Exists(LogPath + ".3"));
        foreach (var f in new[] { LogPath, LogPath + ".1", LogPath + ".2" })
        {
            Assert.InRange(new FileInfo(f).Length, 1, 4096);
        }
        // Oldest to newest without gaps: .2, .1, current.
        var text = File.ReadAllText(LogPath + ".2") + File.ReadAllText(LogPath + ".1") + File.ReadAllText(LogPath);
        var numbers = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(l[6..11])).ToList();
        Assert.Equal(Enumerable.Range(numbers[0], numbers.Count), numbers);
        Assert.Equal(19, numbers[^1]);
    }

    [Fact]
    public void Keep_zero_keeps_no_old_file()
    {
        using (var log = new RollingLog(LogPath, 4096, keep: 0))
        {
            for (var i = 0; i < 10; i++)
            {
                log.Write(Entry(i));
            }
        }
        Assert.Single(Directory.GetFiles(_dir));
        Assert.Contains("frame 00009", File.ReadAllText(LogPath));
    }

    [Fact]
    public void Reopens_after_logrotate_moved_the_file()
    {
        using var log = new RollingLog(LogPath, 1 << 20, keep: 3);
        log.Write("before\n");
        File.Move(LogPath, LogPath + ".rotated");
        log.Write("still old\n"); // no SIGHUP yet: the open file (now .rotated) gets it
        log.RequestReopen();
        log.Write("after\n");
        Assert.Equal("before\nstill old\n", File.ReadAllText(LogPath + ".rotated"));
        Assert.Equal("after\n", File.ReadAllText(LogPath));
        Assert.Equal(1, log.Reopens);
    }

    [Fact]
    public void Appends_to_an_existing_log_and_counts_its_size()
    {
        File.WriteAllText(LogPath, new string('o', 4000) + "\n");
        using (var log = new RollingLog(LogPath, 4096, keep: 1))
        {
            log.Write(Entry(1));
        }
        Assert.StartsWith("oooo", File.ReadAllText(LogPath + ".1"));
        Assert.Equal(Entry(1), File.ReadAllText(LogPath));
    }

    [Fact]
    public void Refuses_a_symlink_at_the_path()
    {
        var target = Path.Combine(_dir, "target");
        File.WriteAllText(target, "");
        File.CreateSymbolicLink(LogPath, target);
        using var log = new RollingLog(LogPath, 4096, keep: 1);
        Assert.Throws<IOException>(() => log.Write("x\n"));
        Assert.Equal("", File.ReadAllText(target));
    }

    [Fact]
    public void Log_view_writes_frames_without_any_escape_code()
    {
        using (var view = new LogView(new RollingLog(LogPath, 1 << 20, 1), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))
        {
            view.Start();
            view.Post(FrameLayoutTests.Frame());
        }
        var bytes = File.ReadAllBytes(LogPath);
        Assert.DoesNotContain(bytes, b => b < 0x20 && b != (byte)'\n');
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains(@"\x1b]2;PWNED\x07", text);
        Assert.Contains("PROC", text);
    }

    [Fact]
    public void A_sighup_after_a_failed_open_gives_the_log_another_try()
    {
        // The path is a directory at first: the open fails and the view stops writing, as before.
        Directory.CreateDirectory(LogPath);
        using (var view = new LogView(new RollingLog(LogPath, 1 << 20, 1), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))
        {
            view.Start();
            view.Post(FrameLayoutTests.Frame());
            Thread.Sleep(500);
            Directory.Delete(LogPath); // the operator fixes the path, then sends SIGHUP
            view.Post(FrameLayoutTests.Frame()); // still failed: nothing written without a SIGHUP
            Thread.Sleep(300);
            Assert.False(File.Exists(LogPath));
            view.Log.RequestReopen();
            view.Retry();
            view.Post(FrameLayoutTests.Frame());
        }
        Assert.Contains("PROC", File.ReadAllText(LogPath));
    }
}
