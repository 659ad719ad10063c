using System.Diagnostics;
using System.Globalization;

namespace N3ttrace.EndToEnd.Tests.Live;

/// <summary>
/// [operator] The terminal of a live `run` goes away (ssh drops, tmux is killed). SIGHUP means "reopen the log"
/// to n3ttrace, so capture goes on; it must not spin a CPU on the dead terminal, and SIGTERM must still stop it.
/// </summary>
public sealed class HangupTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("n3t-hangup-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture); // utime + stime
    }

    [BpfFact]
    public async Task After_the_terminal_hangs_up_the_tracer_idles_and_stops_on_sigterm()
    {
        var state = Path.Combine(_dir, "state");
        var stderr = Path.Combine(_dir, "stderr.txt");
        var tmux = new TmuxSession(160, 40, _dir, "sh", "-c", $"exec '{Repo.Cli}' run --state-dir '{state}' --verify-key-out key --log-file '' 2>'{stderr}'");
        Process? tracer = null;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!(File.Exists(stderr) && File.ReadAllText(stderr).Contains("capture ready", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            Assert.Contains("capture ready", File.ReadAllText(stderr), StringComparison.Ordinal);
            tracer = Process.GetProcesses().Single(p =>
            {
                try
                {
                    // The tracer itself, not the tmux server whose command line quotes it.
                    var argv = File.ReadAllText($"/proc/{p.Id}/cmdline").Split('\0');
                    return argv[0] == Repo.Cli && argv.Contains(state);
                }
                catch (IOException)
                {
                    return false;
                }
            });

            tmux.Dispose(); // the terminal is gone: the tracer gets SIGHUP and a dead tty
            await Task.Delay(2000);
            Assert.False(tracer.HasExited, "capture should go on without its terminal");
            var before = CpuTicks(tracer.Id);
            await Task.Delay(3000);
            var used = (CpuTicks(tracer.Id) - before) / 100.0; // USER_HZ
            Assert.True(used < 1.0, $"{used:0.00} s of CPU in 3 s after the hangup: something spins on the dead terminal");

            Process.Start("kill", ["-TERM", tracer.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            Assert.True(tracer.WaitForExit(15_000), "SIGTERM did not stop the tracer after its terminal went away");
        }
        finally
        {
            tmux.Dispose();
            // A tracer ignores the hangup by design: whatever this test started dies here, found by its state path.
            Process.Start("pkill", ["-KILL", "-f", $"state-dir {state}"])!.WaitForExit(); // no leading "--": pkill would read an option
            tracer?.WaitForExit(5000);
        }
    }
}
