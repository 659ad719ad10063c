using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using N3ttrace.Privacy;
using N3ttrace.Time;

namespace N3ttrace.EndToEnd.Tests.Trail;

/// <summary>[trail] with the real tracer: crash in a storm and recover, time travel against known lifetimes, no raw addresses.</summary>
public sealed class TrailEndToEndTests : IDisposable
{
    /// <summary>Another n3ttrace command, run to completion.</summary>
    private static (int Exit, string Stdout, string Stderr) Cli(params string[] args)
    {
        var r = Export.CliProcess.N3ttrace(Path.GetTempPath(), args);
        return (r.ExitCode, r.Stdout, r.Stderr);
    }

    private readonly string _dir = Directory.CreateTempSubdirectory("n3t-trail-e2e-").FullName;
    private string State => Path.Combine(_dir, "state");
    private string Log => Path.Combine(_dir, "n3ttrace.log.txt");

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

    // Connects to PORT COUNT times (0: until killed), as fast as it can, then prints "done".
    private const string Storm = """
import socket, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
n = 0
while count == 0 or n < count:
    s = socket.create_connection(("127.0.0.1", port))
    s.close()
    n += 1
print("done", flush=True)
""";

    private static Process StartStorm(int port, int count)
    {
        var psi = new ProcessStartInfo(Connector.Python) { RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", Storm, port.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }
        return Process.Start(psi)!;
    }

    private int StormBirths(int pid) => TsvFile.Read(Path.Combine(State, "birth_records.tsv"))
        .Count(r => r["pid"] == pid.ToString(CultureInfo.InvariantCulture));

    [BpfFact]
    public async Task Kill_9_in_a_storm_keeps_what_was_written_and_the_restart_recovers_into_a_verifiable_chain()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(1024);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var acceptCts = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!acceptCts.IsCancellationRequested)
            {
                try
                {
                    (await listener.AcceptTcpClientAsync(acceptCts.Token)).Dispose();
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });

        string key;
        int firstPid;
        const int FirstStorm = 1500;
        await using (var first = await Tracer.StartAsync(stateDir: State, logFile: Log))
        {
            key = first.VerifyKey ?? throw new InvalidOperationException($"no verification key shown at first start:\n{first.Stderr}");
            // A first storm, fully written (the tracer flushes every tick): it must survive what follows.
            using (var a = StartStorm(port, FirstStorm))
            {
                firstPid = a.Id;
                a.WaitForExit();
            }
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (StormBirths(firstPid) < FirstStorm && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            Assert.Equal(FirstStorm, StormBirths(firstPid));
            // Then kill -9 in the middle of a second storm: rows in flight, maybe half a line written.
            using var b = StartStorm(port, 0);
            await Task.Delay(1500);
            first.KillHard();
            b.Kill();
            b.WaitForExit();
        }
        Assert.Equal(FirstStorm, StormBirths(firstPid));

        await using (var second = await Tracer.StartAsync(stateDir: State, logFile: Log))
        {
            Assert.Null(second.VerifyKey);
            Assert.Contains("trail recovered", second.Stderr, StringComparison.Ordinal);
            await Task.Delay(500);
            Assert.Equal(0, await second.StopAsync());
        }
        acceptCts.Cancel();
        await accepting;

        var (exit, output, err) = Cli("verify", "--state-dir", State, "--verify-key", key);
        Assert.True(exit == 0, $"verify failed ({exit}):\n{output}\n{err}");
        Assert.StartsWith("OK", output, StringComparison.Ordinal);
        Assert.Contains("recovery", output, StringComparison.Ordinal);

        // Damage after the fact is caught, and named.
        var births = Path.Combine(State, "birth_records.tsv");
        var lines = File.ReadAllLines(births);
        lines[5] = (lines[5][0] == '2' ? "3" : "2") + lines[5][1..]; // the year of one record's timestamp
        File.WriteAllText(births, string.Join('\n', lines) + "\n");
        (exit, output, _) = Cli("verify", "--state-dir", State, "--verify-key", key);
        Assert.Equal(1, exit);
        // Format 3 stores the chain hash on the last row of each write: an edit is found at the first stored hash at or after it.
        var head = lines[0].Split('\t').ToList().IndexOf(N3ttrace.Trail.ChainColumns.Head);
        var found = Enumerable.Range(5, lines.Length - 5).First(i => head < 0 || lines[i].Split('\t')[head].Length > 0) + 1;
        Assert.Contains($"birth_records.tsv line {found}: edit", output, StringComparison.Ordinal);
    }

    [BpfFact]
    public async Task At_reconstructs_known_lifetimes_of_real_connections()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var marker = $"at-{Guid.NewGuid():N}";
        var cwd = Directory.CreateTempSubdirectory("n3t-cwd-").FullName;
        // Offsets (ms from the start of the script) at which each connector opens and closes.
        (int Open, int Close)[] plan = [(0, 4000), (1000, 2000), (1500, 3500), (2500, 4500)];
        // Each edge is known to lie between two clock reads (process start .. connected, close .. exited).
        var lives = new List<(int Pid, DateTime OpenFrom, DateTime OpenTo, DateTime CloseFrom, DateTime CloseTo)>();
        await using (var run = await Tracer.StartAsync(stateDir: State, logFile: Log))
        {
            var t0 = DateTime.UtcNow;
            var open = new Dictionary<int, (Connector C, DateTime From, DateTime To)>();
            var steps = plan.SelectMany((p, i) => new[] { (At: p.Open, I: i, Opening: true), (At: p.Close, I: i, Opening: false) }).OrderBy(s => s.At).ToList();
            foreach (var s in steps)
            {
                var wait = t0.AddMilliseconds(s.At) - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }
                if (s.Opening)
                {
                    var from = DateTime.UtcNow;
                    var c = new Connector("127.0.0.1", port, marker, cwd, [("N3T_MARKER", marker)]);
                    c.WaitConnected();
                    var to = DateTime.UtcNow;
                    (await listener.AcceptTcpClientAsync()).Dispose();
                    open[s.I] = (c, from, to);
                }
                else
                {
                    var (c, from, to) = open[s.I];
                    var closeFrom = DateTime.UtcNow;
                    c.Close();
                    lives.Add((c.Pid, from, to, closeFrom, DateTime.UtcNow));
                    c.Dispose();
                }
            }
            await Task.Delay(1500);
            Assert.Equal(0, await run.StopAsync());
        }
        var pids = lives.Select(l => l.Pid).ToHashSet();
        var margin = TimeSpan.FromMilliseconds(100);
        var checkedInstants = 0;
        for (var t = lives.Min(l => l.OpenFrom); t <= lives.Max(l => l.CloseTo); t = t.AddMilliseconds(50))
        {
            if (lives.Any(l => (t >= l.OpenFrom - margin && t <= l.OpenTo + margin) || (t >= l.CloseFrom - margin && t <= l.CloseTo + margin)))
            {
                continue; // too close to an edge to know the truth
            }
            var expected = lives.Where(l => l.OpenTo < t && l.CloseFrom > t).Select(l => l.Pid).Order().ToList();
            var (exit, tsv, err) = Cli("at", Timestamp.ToRecord(t), "--format", "tsv", "--state-dir", State);
            Assert.True(exit == 0, err);
            var rows = tsv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var header = rows[0].Split('\t').ToList();
            foreach (var c in new[] { "conn_id", "pid", "comm", "ancestry_id", "remote_masked", "rport", "age_s", "level" })
            {
                Assert.Contains(c, header);
            }
            var got = rows.Skip(1).Select(r => r.Split('\t')).Where(f => pids.Contains(int.Parse(f[header.IndexOf("pid")], CultureInfo.InvariantCulture)))
                .ToList();
            Assert.Equal(expected, got.Select(f => int.Parse(f[header.IndexOf("pid")], CultureInfo.InvariantCulture)).Order().ToList());
            foreach (var f in got)
            {
                var life = lives.Single(l => l.Pid == int.Parse(f[header.IndexOf("pid")], CultureInfo.InvariantCulture));
                Assert.Equal(port.ToString(CultureInfo.InvariantCulture), f[header.IndexOf("rport")]);
                Assert.InRange(double.Parse(f[header.IndexOf("age_s")], CultureInfo.InvariantCulture), (t - life.OpenTo).TotalSeconds - 0.01, (t - life.OpenFrom).TotalSeconds + 0.01);
            }
            checkedInstants++;
        }
        Assert.True(checkedInstants >= 8, $"only {checkedInstants} instants were far enough from every edge");
    }

    [BpfFact]
    public async Task No_raw_remote_address_reaches_the_state_directory_or_the_log()
    {
        IPAddress[] targets = [IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.77"), IPAddress.Parse("127.3.4.5"), IPAddress.IPv6Loopback];
        var listeners = targets.Select(a => { var l = new TcpListener(a, 0); l.Start(); return l; }).ToList();
        var marker = $"raw-{Guid.NewGuid():N}";
        var cwd = Directory.CreateTempSubdirectory("n3t-cwd-").FullName;
        try
        {
            await using (var run = await Tracer.StartAsync(stateDir: State, logFile: Log))
            {
                foreach (var l in listeners)
                {
                    var ep = (IPEndPoint)l.LocalEndpoint;
                    using var c = new Connector(ep.Address.ToString(), ep.Port, marker, cwd, [("N3T_MARKER", marker)]);
                    c.WaitConnected();
                    (await l.AcceptTcpClientAsync()).Dispose();
                    await Task.Delay(200);
                    c.Close();
                }
                await Task.Delay(1200);
                Assert.Equal(0, await run.StopAsync());
            }
            var files = Directory.GetFiles(State).Append(Log).Where(File.Exists).ToList();
            var births = TsvFile.Read(Path.Combine(State, "birth_records.tsv"));
            Assert.Equal(targets.Length, births.Count(r => r["cmdline"].Contains(marker, StringComparison.Ordinal)));
            foreach (var l in listeners)
            {
                var ep = (IPEndPoint)l.LocalEndpoint;
                var canonical = EndpointPrivacy.Canonical(ep.Address, ep.Port);
                foreach (var f in files)
                {
                    var text = File.ReadAllText(f);
                    Assert.DoesNotContain(canonical, text, StringComparison.Ordinal);
                    if (!IPAddress.IsLoopback(ep.Address) || ep.Address.Equals(IPAddress.IPv6Loopback))
                    {
                        continue;
                    }
                    // The address alone may appear only as the local end (Linux answers 127.x from 127.x), never as a remote column.
                    foreach (var line in File.ReadLines(f).Where(x => x.Contains(marker, StringComparison.Ordinal)))
                    {
                        var fields = line.Split('\t');
                        Assert.DoesNotContain(fields.Where((_, i) => i != 6), x => x == ep.Address.ToString() || x.StartsWith(ep.Address + ":", StringComparison.Ordinal));
                    }
                }
            }
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
