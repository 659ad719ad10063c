using System.Globalization;
using System.Text;
using Xunit.Abstractions;
using static N3ttrace.EndToEnd.Tests.Scenarios.ScenarioListener;

namespace N3ttrace.EndToEnd.Tests.Scenarios;

/// <summary>
/// [inference] A benign minute (shortened from "a few minutes" to keep `make test` short): a user browsing from a
/// terminal with a login uid, a package manager's update checks and downloads from apt-daily.service, a service pool
/// holding database connections and calling an API at random, a telemetry agent. Reports how many THREAT and ANOMALY
/// verdicts it produced (bin/benign-report.txt); the target is no THREAT at all, and the right purpose for each part.
/// </summary>
public class BenignRunTests(ITestOutputHelper output)
{
    private const int Seconds = 55;

    [BpfFact]
    public async Task A_benign_minute_produces_no_threat_and_the_right_purposes()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var work = Directory.CreateTempSubdirectory("n3t-benign-").FullName;
        var web = Enumerable.Range(0, 4).Select(_ => new ScenarioListener(Mode.Http)).ToList();
        using var repo = new ScenarioListener(Mode.Http);
        using var db = new ScenarioListener(Mode.Hold);
        using var api = new ScenarioListener(Mode.Http);
        using var metrics = new ScenarioListener(Mode.Http);
        var cgroups = new List<string>();
        var tmux = Path.Combine(work, "tmux.sock");
        try
        {
            await using var tracer = await Tracer.StartAsync();
            var ports = string.Join(' ', web.Select(w => w.Port));
            var browse = Contexts.TmuxAsync(tmux,
                $"bash -c 'echo 1000 > /proc/self/loginuid; end=$((SECONDS+{Seconds})); ports=({ports}); " +
                "while [ $SECONDS -lt $end ]; do p=${ports[RANDOM%4]}; curl -s -o /dev/null http://127.0.0.1:$p/page; " +
                "sleep $(awk -v r=$RANDOM \"BEGIN{printf \\\"%.2f\\\", -log(1-r/32768)*1.5}\"); done'",
                TimeSpan.FromSeconds(Seconds + 20));

            var aptCg = Contexts.Cgroup($"system.slice/apt-daily.service/n3t-b-{id}");
            cgroups.Add(aptCg);
            var updates = PackageManager(work, aptCg, repo.Port);

            var poolCg = Contexts.Cgroup($"system.slice/n3t-pool-{id}.service");
            cgroups.Add(poolCg);
            var pool = Contexts.RunAsync(Contexts.InCgroup(poolCg, ScenarioCatalog.Python, "-c",
                "import socket,sys,time,random,os\n" +
                "db,api,secs=int(sys.argv[1]),int(sys.argv[2]),int(sys.argv[3])\n" +
                "for w in range(3):\n if os.fork()==0: break\n" +
                "conn=socket.create_connection(('127.0.0.1',db))\nend=time.time()+secs\n" +
                "while time.time()<end:\n s=socket.create_connection(('127.0.0.1',api)); s.sendall(b'GET /v1 HTTP/1.0\\r\\n\\r\\n'); s.recv(100); s.close()\n" +
                " time.sleep(random.expovariate(0.5))\nconn.close()\n",
                db.Port.ToString(CultureInfo.InvariantCulture), api.Port.ToString(CultureInfo.InvariantCulture), Seconds.ToString(CultureInfo.InvariantCulture)),
                TimeSpan.FromSeconds(Seconds + 20));

            var telCg = Contexts.Cgroup($"system.slice/n3t-telemetry-{id}.service");
            cgroups.Add(telCg);
            var telemetry = Contexts.RunAsync(Contexts.InCgroup(telCg, ScenarioCatalog.Python, "-c",
                "import socket,sys,time,random\nend=time.time()+int(sys.argv[2])\n" +
                "while time.time()<end:\n s=socket.create_connection(('127.0.0.1',int(sys.argv[1]))); s.sendall(b'POST /m HTTP/1.0\\r\\n\\r\\n'); s.recv(100); s.close()\n" +
                " time.sleep(2*random.uniform(0.9,1.1))\n",
                metrics.Port.ToString(CultureInfo.InvariantCulture), Seconds.ToString(CultureInfo.InvariantCulture)),
                TimeSpan.FromSeconds(Seconds + 20));

            await Task.WhenAll(browse, updates, pool, telemetry);
            await Task.Delay(1000);
            var rc = await tracer.StopAsync();
            Assert.True(rc == 0, $"n3ttrace exited {rc}:\n{tracer.Stderr}");

            int[] ours = [.. web.Select(w => w.Port), repo.Port, db.Port, api.Port, metrics.Port];
            var births = TrailFilter.Read(Path.Combine(tracer.StateDir, "birth_records.tsv"), ours);
            var timeline = TrailFilter.Read(Path.Combine(tracer.StateDir, "snapshots.tsv"), ours);
            var parts = new (string Name, int[] Ports, string Purpose)[]
            {
                ("browsing (tmux, loginuid)", web.Select(w => w.Port).ToArray(), "user action"),
                ("package manager (apt-daily.service)", [repo.Port], "update check"),
                ("service pool: database", [db.Port], "background service"),
                ("service pool: api calls", [api.Port], "background service"),
                ("telemetry agent (service)", [metrics.Port], "telemetry"),
            };
            var sb = new StringBuilder($"benign run: {Seconds} s\n{"part",-38} {"conns",5} {"THREAT",6} {"ANOMALY",7}  purposes\n");
            int threats = 0, anomalies = 0, total = 0;
            var failures = new List<string>();
            foreach (var (name, ps, purpose) in parts)
            {
                var outcomes = ps.SelectMany(p => PerConnection(births, timeline, p)).ToList();
                var t = outcomes.Count(o => o.Level == "THREAT");
                var a = outcomes.Count(o => o.Level == "ANOMALY");
                (threats, anomalies, total) = (threats + t, anomalies + a, total + outcomes.Count);
                var purposes = string.Join(", ", outcomes.GroupBy(o => o.Purpose).Select(g => $"{g.Key} x{g.Count()}"));
                sb.AppendLine($"{name,-38} {outcomes.Count,5} {t,6} {a,7}  {purposes}");
                if (outcomes.Count == 0)
                {
                    failures.Add($"{name}: no connections recorded");
                }
                else if (outcomes.Count(o => o.Purpose == purpose) * 2 <= outcomes.Count)
                {
                    failures.Add($"{name}: purpose '{purpose}' for fewer than half of the connections ({purposes})");
                }
                failures.AddRange(outcomes.Where(o => o.Level == "THREAT").Select(o => $"{name}: THREAT {o.Reasons}"));
            }
            sb.AppendLine($"{"total",-38} {total,5} {threats,6} {anomalies,7}");
            output.WriteLine(sb.ToString());
            File.WriteAllText(Path.Combine(Repo.Root, "bin", "benign-report.txt"), sb.ToString());
            Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n\n" + sb);
        }
        finally
        {
            await Contexts.KillTmuxAsync(tmux);
            web.ForEach(w => w.Dispose());
            cgroups.ForEach(Contexts.RemoveCgroup);
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Three update checks and a few package downloads by curl, as apt.systemd.daily would, spaced over the run.</summary>
    private static async Task PackageManager(string work, string cgroup, int port)
    {
        var apt = Directory.CreateDirectory(Path.Combine(work, "apt")).FullName;
        foreach (var d in new[] { "lists/partial", "cache/archives/partial", "parts" })
        {
            Directory.CreateDirectory(Path.Combine(apt, d));
        }
        File.WriteAllText(Path.Combine(apt, "sources.list"), $"deb http://127.0.0.1:{port}/debian bookworm main\n");
        for (var round = 0; round < 3; round++)
        {
            await Contexts.RunAsync(Contexts.InCgroup(cgroup, "/usr/bin/apt-get", "-q",
                "-o", $"Dir::Etc::sourcelist={apt}/sources.list", "-o", $"Dir::Etc::sourceparts={apt}/parts",
                "-o", $"Dir::State::Lists={apt}/lists", "-o", $"Dir::Cache={apt}/cache", "-o", "Debug::NoLocking=1",
                "-o", "APT::Sandbox::User=root", "-o", "Acquire::Retries=0", "update"), TimeSpan.FromSeconds(30));
            await Contexts.RunAsync(Contexts.InCgroup(cgroup, "/bin/sh", "-c",
                $"for p in libfoo bar baz; do curl -s -o /dev/null http://127.0.0.1:{port}/pool/main/$p.deb; done"), TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(Seconds / 3.0 - 1));
        }
    }

    private static IEnumerable<(string Level, string Purpose, string Reasons)> PerConnection(
        List<Dictionary<string, string>> births, List<Dictionary<string, string>> timeline, int port)
    {
        var rport = port.ToString(CultureInfo.InvariantCulture);
        var levels = timeline.Where(r => r["event"] == "level").GroupBy(r => r["conn_id"]).ToDictionary(g => g.Key, g => g.Last());
        foreach (var b in births.Where(r => r["rport"] == rport))
        {
            var latest = levels.GetValueOrDefault(b["conn_id"]);
            var level = new[] { b["level"], latest?["level"] ?? "NORMAL" }.MaxBy(l => Array.IndexOf(ScenarioOutcome.Levels, l))!;
            yield return (level, b["purpose"], latest?["reasons"] ?? b["reasons"]);
        }
    }
}
