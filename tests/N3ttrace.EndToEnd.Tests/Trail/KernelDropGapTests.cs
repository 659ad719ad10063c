using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using N3ttrace.EndToEnd.Tests.Export;
using Xunit.Abstractions;

namespace N3ttrace.EndToEnd.Tests.Trail;

/// <summary>
/// [integrity] Real kernel drops become gap records: the consumer is stopped (SIGSTOP) during a loopback connection
/// storm until the real ring buffer overflows, and the gap records in the trail must add up exactly to the kernel's
/// own drop counter (read from the pinned map with bpftool, not from n3ttrace); verify lists them, `at` inside the
/// window says INCOMPLETE, and `run` exits 1. The kernel side is pinned in a directory of the test's own and unloaded
/// in finally, the storm killed and the tracer continued and killed whatever happens.
/// </summary>
[Collection(nameof(HostFlood))]
public sealed partial class KernelDropGapTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("n3t-drop-e2e-").FullName;
    private string State => Path.Combine(_dir, "state");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // argv: STOPFILE MAXSECONDS. Connects to its own loopback listener as fast as it can (each closed with a reset)
    // until STOPFILE exists or MAXSECONDS passed; prints "DONE n".
    private const string Storm = """
import os, socket, sys, threading, time
stop, seconds = sys.argv[1], float(sys.argv[2])
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4096)
port = srv.getsockname()[1]
def accept():
    while True:
        c, _ = srv.accept()
        c.close()
threading.Thread(target=accept, daemon=True).start()
n = 0
end = time.time() + seconds
while time.time() < end and (n & 255 or not os.path.exists(stop)):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.connect(("127.0.0.1", port))
    s.close()
    n += 1
print("DONE %d" % n, flush=True)
""";

    private const int SigStop = 19, SigCont = 18;
    private const int StatDropped = 1; // N3T_STAT_DROPPED in bpf/n3ttrace.h

    [BpfFact]
    public async Task Ring_overflow_while_the_consumer_is_stopped_is_recorded_as_gaps_that_add_up_to_the_kernels_counter()
    {
        using var pins = new PinnedKernel();
        var stopFile = Path.Combine(_dir, "stop-storm");
        var storms = new List<Process>();
        Tracer? tracer = null;
        var stopped = false;
        try
        {
            tracer = await Tracer.StartAsync(env: pins.Env, stateDir: State, logFile: Path.Combine(_dir, "log.txt"));
            var key = tracer.VerifyKey!;
            var stats = Path.Combine(pins.StampDir!, "n3t_stats");
            Assert.Equal(0, KernelCounter(stats, StatDropped));
            var beforeStorm = DateTime.UtcNow;
            await Task.Delay(2000); // ticks come every 250 ms: beforeStorm lies outside the gap windows
            for (var i = 0; i < 2; i++)
            {
                var psi = new ProcessStartInfo(Connector.Python) { RedirectStandardOutput = true };
                foreach (var a in new[] { "-c", Storm, stopFile, "240" })
                {
                    psi.ArgumentList.Add(a);
                }
                storms.Add(Process.Start(psi)!);
            }
            await Task.Delay(500);
            Assert.Equal(0, Kill(tracer.Pid, SigStop));
            stopped = true;
            var stoppedAt = DateTime.UtcNow;
            // The 64 MiB ring fills in some seconds; storm on until the kernel has dropped a good number.
            var wait = Stopwatch.StartNew();
            long dropped;
            while ((dropped = KernelCounter(stats, StatDropped)) < 20_000)
            {
                Assert.True(wait.Elapsed < TimeSpan.FromSeconds(200), $"the kernel dropped only {dropped} records in {wait.Elapsed}");
                await Task.Delay(500);
            }
            File.WriteAllText(stopFile, "");
            foreach (var s in storms)
            {
                Assert.True(s.WaitForExit(30_000), "the storm did not stop");
            }
            var continuedAt = DateTime.UtcNow;
            Assert.Equal(0, Kill(tracer.Pid, SigCont));
            stopped = false;
            output.WriteLine($"stopped {(continuedAt - stoppedAt).TotalSeconds:0.0} s; storm made {string.Join(" + ", storms.Select(s => s.StandardOutput.ReadToEnd().Trim()))}; kernel dropped {dropped} when the storm ended");

            // Let the backlog drain: the birth records stop growing.
            var births = Path.Combine(State, "birth_records.tsv");
            long last = -1;
            var drain = Stopwatch.StartNew();
            while (new FileInfo(births).Length != last)
            {
                Assert.True(drain.Elapsed < TimeSpan.FromSeconds(180), "the backlog did not drain in 180 s");
                last = new FileInfo(births).Length;
                await Task.Delay(3000);
            }
            var exit = await tracer.StopAsync();
            var kernelDropped = KernelCounter(stats, StatDropped); // pinned after a clean stop: the kernel's own count
            output.WriteLine($"drained in {drain.Elapsed.TotalSeconds:0} s; kernel drop counter {kernelDropped}");
            Assert.True(exit == 1, $"run must exit 1 when records were dropped, exited {exit}:\n{tracer.Stderr}");
            Assert.Contains("incomplete:", tracer.Stderr, StringComparison.Ordinal);

            // Every drop is in each data chain as a gap, exactly: the counts add up to the kernel's counter.
            foreach (var file in new[] { "birth_records.tsv", "snapshots.tsv" })
            {
                var gaps = File.ReadLines(Path.Combine(State, file)).Where(l => l.Contains("\tgap cause=kernel-drop ", StringComparison.Ordinal)).ToList();
                var sum = gaps.Sum(l => long.Parse(GapRecords().Match(l).Groups[1].Value, CultureInfo.InvariantCulture));
                output.WriteLine($"{file}: {gaps.Count} kernel-drop gap record(s), {sum} records");
                Assert.Equal(kernelDropped, sum);
            }

            var verify = CliProcess.N3ttrace(_dir, "verify", "--state-dir", State, "--verify-key", key);
            Assert.True(verify.ExitCode == 0, verify.ToString());
            Assert.Contains("gap(s) recorded", verify.Stdout, StringComparison.Ordinal);
            Assert.Contains("gap cause=kernel-drop records=", verify.Stdout, StringComparison.Ordinal);

            var inside = CliProcess.N3ttrace(_dir, "at", Stamp(stoppedAt + (continuedAt - stoppedAt) / 2), "--state-dir", State);
            Assert.True(inside.ExitCode == 0, inside.ToString());
            Assert.Contains("INCOMPLETE:", inside.Stdout, StringComparison.Ordinal);
            Assert.Contains("gap: kernel-drop: ", inside.Stdout, StringComparison.Ordinal);
            var json = CliProcess.N3ttrace(_dir, "at", "--between", Stamp(stoppedAt), Stamp(continuedAt), "--format", "json", "--state-dir", State);
            Assert.True(json.ExitCode == 0, json.ToString());
            Assert.Contains("INCOMPLETE:", json.Stderr, StringComparison.Ordinal);
            foreach (var record in JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray())
            {
                Assert.True(record.GetProperty("incomplete").GetBoolean());
            }
            var before = CliProcess.N3ttrace(_dir, "at", Stamp(beforeStorm), "--state-dir", State);
            Assert.True(before.ExitCode == 0, before.ToString());
            Assert.DoesNotContain("INCOMPLETE", before.Stdout, StringComparison.Ordinal);
            var query = CliProcess.N3ttrace(_dir, "query", "--since", Stamp(stoppedAt), "--state-dir", State);
            Assert.Contains("INCOMPLETE:", query.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.WriteAllText(stopFile, "");
            foreach (var s in storms)
            {
                if (!s.HasExited)
                {
                    s.Kill();
                }
                s.Dispose();
            }
            if (tracer is not null)
            {
                if (stopped)
                {
                    Kill(tracer.Pid, SigCont);
                }
                await tracer.DisposeAsync();
            }
        }
    }

    private static string Stamp(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The sum over CPUs of one slot of a pinned per-CPU array, as the kernel holds it (bpftool, not n3ttrace).</summary>
    private static long KernelCounter(string pinnedMap, int slot)
    {
        var r = CliProcess.Run("bpftool", ["-j", "map", "lookup", "pinned", pinnedMap, "key", slot.ToString(CultureInfo.InvariantCulture), "0", "0", "0"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement[0] : doc.RootElement;
        long sum = 0;
        foreach (var cpu in root.GetProperty("values").EnumerateArray())
        {
            var v = cpu.GetProperty("value");
            if (v.ValueKind == JsonValueKind.Number)
            {
                sum += v.GetInt64();
                continue;
            }
            // Raw bytes, little-endian: ["0x01", "0x00", ...].
            var bytes = v.EnumerateArray().Select(b => Convert.ToByte(b.GetString(), 16)).ToArray();
            sum += BitConverter.ToInt64(bytes, 0);
        }
        return sum;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\tgap cause=kernel-drop records=(\d+) ")]
    private static partial System.Text.RegularExpressions.Regex GapRecords();

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int sig);
}
