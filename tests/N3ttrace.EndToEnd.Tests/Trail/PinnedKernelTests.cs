using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using N3ttrace.EndToEnd.Tests.Export;
using Xunit.Abstractions;

namespace N3ttrace.EndToEnd.Tests.Trail;

/// <summary>
/// [integrity] A restart loses nothing: the kernel side stays pinned while no `run` reads it, the next run drains the
/// backlog, `unload` removes it, and the tracer never traces itself. Every test pins in a directory of its own and
/// removes it in finally (<see cref="PinnedKernel"/>).
/// </summary>
public sealed class PinnedKernelTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("n3t-pin-e2e-").FullName;
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

    // argv: SECONDS OUT. Listens on loopback, prints "PORT p", connects to itself as fast as it can for SECONDS
    // (each closed with a reset: no TIME_WAIT), writes the local port of every connection it made to OUT, prints "DONE n".
    private const string Storm = """
import socket, sys, threading, time
seconds, out = float(sys.argv[1]), sys.argv[2]
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4096)
port = srv.getsockname()[1]
def accept():
    while True:
        c, _ = srv.accept()
        c.close()
threading.Thread(target=accept, daemon=True).start()
print("PORT %d" % port, flush=True)
ports = []
end = time.time() + seconds
while time.time() < end:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.connect(("127.0.0.1", port))
    ports.append(s.getsockname()[1])
    s.close()
with open(out, "w") as f:
    f.write("".join("%d\n" % p for p in ports))
print("DONE %d" % len(ports), flush=True)
""";

    [BpfFact]
    public async Task Kill_9_mid_storm_and_a_restart_lose_no_connection()
    {
        using var pins = new PinnedKernel();
        var log = Path.Combine(_dir, "log.txt");
        var clientLog = Path.Combine(_dir, "client-ports.txt");
        var storm = new ProcessStartInfo(Connector.Python) { RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", Storm, "6", clientLog })
        {
            storm.ArgumentList.Add(a);
        }
        Process? client = null;
        try
        {
            await using var first = await Tracer.StartAsync(env: pins.Env, stateDir: State, logFile: log);
            client = Process.Start(storm)!;
            var port = int.Parse(client.StandardOutput.ReadLine()!.Split(' ')[1], CultureInfo.InvariantCulture);
            await Task.Delay(2000);
            first.KillHard();
            var killed = Stopwatch.StartNew();
            await using var second = await Tracer.StartAsync(env: pins.Env, stateDir: State, logFile: log);
            var restart = killed.Elapsed;
            Assert.True(restart < TimeSpan.FromSeconds(5), $"restart took {restart}");
            Assert.Contains("(resumed)", second.Stderr, StringComparison.Ordinal);
            var done = client.StandardOutput.ReadLine();
            await client.WaitForExitAsync();
            Assert.StartsWith("DONE", done, StringComparison.Ordinal);
            await Task.Delay(1000);
            Assert.Equal(0, await second.StopAsync());

            // Counted by connection: the multiset of the client's local ports equals the trail's, so every
            // connection is there exactly once (a lost one or a twice-written one changes a count).
            var made = File.ReadAllLines(clientLog).Where(l => l.Length > 0).Order(StringComparer.Ordinal).ToList();
            var rows = second.BirthRecords().Where(r => r["rport"] == port.ToString(CultureInfo.InvariantCulture)
                && r["pid"] == client.Id.ToString(CultureInfo.InvariantCulture)).ToList();
            var recorded = rows.Select(r => r["local"][(r["local"].LastIndexOf(':') + 1)..]).Order(StringComparer.Ordinal).ToList();
            output.WriteLine($"connections made {made.Count}, recorded {recorded.Count}, distinct conn_ids {rows.Select(r => r["conn_id"]).Distinct().Count()}; restart {restart.TotalMilliseconds:0} ms after kill -9");
            Assert.True(made.Count > 1000, $"the storm made only {made.Count} connections");
            Assert.Equal(made.Count, recorded.Count);
            Assert.Equal(made, recorded);
            Assert.Equal(rows.Count, rows.Select(r => r["conn_id"]).Distinct().Count());

            // The window between kill and restart is covered by the ring: no not-running gap, and the trail verifies.
            var births = File.ReadAllText(Path.Combine(State, "birth_records.tsv"));
            Assert.DoesNotContain("cause=not-running", births, StringComparison.Ordinal);
            Assert.Contains("kernel_capture_continued", births, StringComparison.Ordinal);
            var verify = CliProcess.N3ttrace(_dir, "verify", "--state-dir", State, "--verify-key", first.VerifyKey!);
            Assert.True(verify.ExitCode == 0, verify.ToString());
        }
        finally
        {
            if (client is { HasExited: false })
            {
                client.Kill();
            }
            client?.Dispose();
        }
    }

    // argv: SECONDS OUT. As Storm, but every 8th connection is held open for HOLD seconds before its reset, so
    // connections born before a kill -9 die while no consumer runs, or after the restart: their births are in the
    // trail already, their deaths only in the ring (or not yet anywhere).
    private const string HoldingStorm = """
import collections, socket, sys, threading, time
seconds, out, hold = float(sys.argv[1]), sys.argv[2], float(sys.argv[3])
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4096)
port = srv.getsockname()[1]
def accept():
    while True:
        c, _ = srv.accept()
        c.close()
threading.Thread(target=accept, daemon=True).start()
print("PORT %d" % port, flush=True)
ports, held = [], collections.deque()
end = time.time() + seconds
def reset(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()
while time.time() < end:
    s = socket.socket()
    s.connect(("127.0.0.1", port))
    ports.append(s.getsockname()[1])
    if len(ports) % 8 == 0:
        held.append((time.time() + hold, s))
    else:
        reset(s)
    while held and held[0][0] <= time.time():
        reset(held.popleft()[1])
    if len(ports) % 64 == 0:
        time.sleep(0.002)
for _, s in held:
    reset(s)
with open(out, "w") as f:
    f.write("".join("%d\n" % p for p in ports))
print("DONE %d" % len(ports), flush=True)
""";

    /// <summary>
    /// [integrity] Deaths survive restarts too: a connection born before a kill -9 and closed while no consumer runs
    /// (or after the restart) has its death drained by the next run, and a death the killed run wrote but had not yet
    /// freed from the ring is not written twice. Counted by connection: every connection the client made and closed
    /// has exactly one birth and exactly one death in the trail, across three kill -9 restarts.
    /// </summary>
    [BpfFact]
    public async Task Every_death_is_recorded_exactly_once_across_kill_9_restarts()
    {
        const int Kills = 3;
        using var pins = new PinnedKernel();
        var log = Path.Combine(_dir, "log.txt");
        var clientLog = Path.Combine(_dir, "client-ports.txt");
        var storm = new ProcessStartInfo(Connector.Python) { RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", HoldingStorm, "10", clientLog, "3" })
        {
            storm.ArgumentList.Add(a);
        }
        Process? client = null;
        var tracers = new List<Tracer>();
        try
        {
            tracers.Add(await Tracer.StartAsync(env: pins.Env, stateDir: State, logFile: log));
            var verifyKey = tracers[0].VerifyKey!;
            client = Process.Start(storm)!;
            var port = int.Parse(client.StandardOutput.ReadLine()!.Split(' ')[1], CultureInfo.InvariantCulture);
            var restarts = new List<double>();
            for (var k = 0; k < Kills; k++)
            {
                await Task.Delay(2000);
                tracers[^1].KillHard();
                var killed = Stopwatch.StartNew();
                // The held connections' resets happen while no consumer runs: the kernel side keeps them in the ring.
                await Task.Delay(300);
                tracers.Add(await Tracer.StartAsync(env: pins.Env, stateDir: State, logFile: log));
                restarts.Add(killed.Elapsed.TotalMilliseconds);
                Assert.Contains("(resumed)", tracers[^1].Stderr, StringComparison.Ordinal);
            }
            var done = client.StandardOutput.ReadLine();
            await client.WaitForExitAsync();
            Assert.StartsWith("DONE", done, StringComparison.Ordinal);
            await Task.Delay(2000);
            var last = tracers[^1];
            Assert.Equal(0, await last.StopAsync());

            var made = File.ReadAllLines(clientLog).Where(l => l.Length > 0).Order(StringComparer.Ordinal).ToList();
            var births = last.BirthRecords().Where(r => r["rport"] == port.ToString(CultureInfo.InvariantCulture)
                && r["pid"] == client.Id.ToString(CultureInfo.InvariantCulture)).ToList();
            var portOf = births.GroupBy(r => r["conn_id"]).ToDictionary(g => g.Key, g => g.First()["local"][(g.First()["local"].LastIndexOf(':') + 1)..]);
            var deaths = last.Timeline().Where(r => r["event"] == "death" && portOf.ContainsKey(r["conn_id"])).ToList();
            var deathCounts = deaths.GroupBy(r => r["conn_id"]).ToDictionary(g => g.Key, g => g.Count());
            var missing = portOf.Keys.Where(id => !deathCounts.ContainsKey(id)).Select(id => portOf[id]).ToList();
            var twice = deathCounts.Where(kv => kv.Value > 1).Select(kv => portOf[kv.Key]).ToList();
            output.WriteLine($"across {Kills} kill -9 restarts ({string.Join(", ", restarts.Select(r => $"{r:0} ms"))}): connections made {made.Count}, " +
                $"births recorded {births.Count}, deaths recorded {deaths.Count} ({missing.Count} missing, {twice.Count} twice)");
            Assert.True(made.Count > 1000, $"the storm made only {made.Count} connections");
            // The kernel side captures whatever the gap; a slow start on a loaded host only lengthens the backlog.
            Assert.All(restarts, r => Assert.True(r < 15000, $"restart took {r} ms"));
            foreach (var line in last.Stderr.Split('\n').Where(l => l.Contains("resumed ring", StringComparison.Ordinal)))
            {
                output.WriteLine(line.Trim());
            }
            Assert.Equal(made, births.Select(r => r["local"][(r["local"].LastIndexOf(':') + 1)..]).Order(StringComparer.Ordinal).ToList());
            Assert.True(missing.Count == 0, $"{missing.Count} deaths missing (local ports {string.Join(", ", missing.Take(20))})");
            Assert.True(twice.Count == 0, $"{twice.Count} deaths written twice (local ports {string.Join(", ", twice.Take(20))})");
            Assert.Equal(births.Count, deaths.Count);

            var verify = CliProcess.N3ttrace(_dir, "verify", "--state-dir", State, "--verify-key", verifyKey);
            Assert.True(verify.ExitCode == 0, verify.ToString());
        }
        finally
        {
            if (client is { HasExited: false })
            {
                client.Kill();
            }
            client?.Dispose();
            foreach (var t in tracers)
            {
                await t.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The carried-death path on its own, deterministically: a clean stop frees the whole ring behind written rows, so
    /// the births of connections still open are in the trail and nowhere else; one closes while no run reads, one
    /// after the next run started. Both deaths are recorded by the next run, once each.
    /// </summary>
    [BpfFact]
    public async Task Deaths_of_connections_born_before_a_restart_are_recorded_by_the_next_run()
    {
        using var pins = new PinnedKernel();
        using var target = new Lineage.LoopbackListener();
        var whileStopped = new TcpClient();
        var afterRestart = new TcpClient();
        try
        {
            string[] ports;
            await using (var first = await Tracer.StartAsync(env: pins.Env, stateDir: State))
            {
                await whileStopped.ConnectAsync(IPAddress.Loopback, target.Port);
                await afterRestart.ConnectAsync(IPAddress.Loopback, target.Port);
                ports = [((IPEndPoint)whileStopped.Client.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture),
                    ((IPEndPoint)afterRestart.Client.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture)];
                await Task.Delay(1500);
                Assert.Equal(0, await first.StopAsync());
            }
            whileStopped.Dispose(); // its death waits in the pinned ring
            await using var second = await Tracer.StartAsync(env: pins.Env, stateDir: State);
            await Task.Delay(1000);
            afterRestart.Dispose();
            await Task.Delay(1500);
            Assert.Equal(0, await second.StopAsync());

            var births = second.BirthRecords().Where(r => r["rport"] == target.Port.ToString(CultureInfo.InvariantCulture)
                && ports.Contains(r["local"][(r["local"].LastIndexOf(':') + 1)..])).ToList();
            Assert.Equal(2, births.Count);
            var deaths = second.Timeline().Where(r => r["event"] == "death").Select(r => r["conn_id"]).ToList();
            foreach (var b in births)
            {
                Assert.True(deaths.Count(d => d == b["conn_id"]) == 1, $"conn {b["conn_id"]} has {deaths.Count(d => d == b["conn_id"])} deaths\n{second.Stderr}");
            }
            // At least these two (other connections of a shared host that closed meanwhile are carried too).
            var carried = System.Text.RegularExpressions.Regex.Match(second.Stderr, @"(\d+) deaths of connections born in an earlier run recorded");
            Assert.True(carried.Success && int.Parse(carried.Groups[1].Value, CultureInfo.InvariantCulture) >= 2, second.Stderr);
            output.WriteLine(carried.Value);
        }
        finally
        {
            whileStopped.Dispose();
            afterRestart.Dispose();
        }
    }

    [BpfFact]
    public async Task Unload_removes_every_pin_and_detaches_the_programs()
    {
        using var pins = new PinnedKernel();
        await using (var tracer = await Tracer.StartAsync(env: pins.Env, stateDir: State))
        {
            // One consumer per ring: unload refuses while a run holds it, and the pins stay.
            var refused = pins.Unload();
            Assert.True(refused.ExitCode == 1, refused.ToString());
            Assert.NotNull(pins.StampDir);
            Assert.Equal(0, await tracer.StopAsync());
        }
        // A clean stop keeps the kernel side pinned (a supervisor's restart loses nothing).
        var stamp = pins.StampDir;
        Assert.NotNull(stamp);
        var names = Directory.GetFiles(stamp!).Select(Path.GetFileName).ToList();
        Assert.Contains("n3t_events", names);
        Assert.Contains("n3t_conns", names);
        var links = names.Where(n => n!.StartsWith("link_", StringComparison.Ordinal)).ToList();
        Assert.True(links.Count >= 4, string.Join(", ", names));
        var linkIds = links.Select(l => LinkId(Path.Combine(stamp!, l!))).ToList();

        var unload = pins.Unload();
        Assert.True(unload.ExitCode == 0, unload.ToString());
        Assert.Contains("unloaded", unload.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(pins.Root), $"{pins.Root} still exists");
        foreach (var id in linkIds)
        {
            var show = CliProcess.Run("bpftool", ["link", "show", "id", id]);
            Assert.True(show.ExitCode != 0, $"link {id} is still attached: {show}");
        }
        var again = pins.Unload();
        Assert.True(again.ExitCode == 0 && again.Stdout.Contains("nothing pinned", StringComparison.Ordinal), again.ToString());
    }

    private static string LinkId(string pin)
    {
        var show = CliProcess.Run("bpftool", ["link", "show", "pinned", pin]);
        Assert.True(show.ExitCode == 0, show.ToString());
        return show.Stdout.Split(':')[0].Trim();
    }

    [BpfFact]
    public async Task The_tracer_never_traces_its_own_connections()
    {
        using var pins = new PinnedKernel();
        using var collector = new TcpListener(IPAddress.Loopback, 0);
        collector.Start();
        var collectorPort = ((IPEndPoint)collector.LocalEndpoint).Port;
        var accepted = 0;
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            var held = new List<TcpClient>();
            try
            {
                while (true)
                {
                    held.Add(await collector.AcceptTcpClientAsync(stop.Token));
                    Interlocked.Increment(ref accepted);
                }
            }
            catch (OperationCanceledException)
            {
            }
            held.ForEach(c => c.Dispose());
        });
        using var target = new Lineage.LoopbackListener();
        try
        {
            await using var tracer = await Tracer.StartAsync(["--forward", $"syslog+tcp://127.0.0.1:{collectorPort.ToString(CultureInfo.InvariantCulture)}"],
                env: pins.Env, stateDir: State);
            // Someone else's connection: recorded, and forwarded (the forwarder connects to the collector).
            using (var c = new TcpClient())
            {
                await c.ConnectAsync(IPAddress.Loopback, target.Port);
            }
            await Task.Delay(3000);
            Assert.Equal(0, await tracer.StopAsync());
            Assert.True(Volatile.Read(ref accepted) > 0, $"the forwarder never connected:\n{tracer.Stderr}");
            var rows = tracer.BirthRecords().Where(r => r["conn_id"].Length > 0).ToList();
            Assert.Contains(rows, r => r["rport"] == target.Port.ToString(CultureInfo.InvariantCulture));
            Assert.DoesNotContain(rows, r => r["rport"] == collectorPort.ToString(CultureInfo.InvariantCulture));
            Assert.DoesNotContain(rows, r => r["pid"] == tracer.Pid.ToString(CultureInfo.InvariantCulture));
        }
        finally
        {
            stop.Cancel();
            await accepting;
        }
    }

    private CliProcess RunPinned(PinnedKernel pins) => CliProcess.Run("/usr/bin/env",
        [$"{Repo.PinDirEnv}={pins.Root}", $"{Repo.DetachKernelEnv}=false", Repo.Cli, "run", "--no-tui", "--state-dir", State,
         "--log-file", "", "--verify-key-out", Path.Combine(_dir, "vk"), "--duration", "1s"], _dir);

    [BpfFact]
    public void Another_builds_pins_stop_run_with_instructions_and_are_left_alone()
    {
        using var pins = new PinnedKernel();
        var other = Path.Combine(pins.Root, "layout-0000000000000000");
        Directory.CreateDirectory(pins.Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(other, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var r = RunPinned(pins);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("another n3ttrace build", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("n3ttrace unload", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("falling back", r.Stderr, StringComparison.Ordinal);
        Assert.True(Directory.Exists(other));
        Assert.Single(Directory.GetDirectories(pins.Root));
    }

    [BpfFact]
    public void A_pin_root_open_to_others_is_refused()
    {
        using var pins = new PinnedKernel();
        Directory.CreateDirectory(pins.Root);
        File.SetUnixFileMode(pins.Root, (UnixFileMode)0b111_101_101); // 0755
        var r = RunPinned(pins);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("mode 0700", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(pins.Root));
    }
}
