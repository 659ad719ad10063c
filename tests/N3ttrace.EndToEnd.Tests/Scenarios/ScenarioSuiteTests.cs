using System.Text;
using Xunit.Abstractions;

namespace N3ttrace.EndToEnd.Tests.Scenarios;

/// <summary>
/// [inference] The labelled scenario suite: every scenario runs at once under one real `n3ttrace run`,
/// then each is judged from the trail (birth records and level rows) against its label.
/// Prints a confusion table (scenario x level), also written to bin/scenario-report.txt.
/// </summary>
public class ScenarioSuiteTests(ITestOutputHelper output)
{
    // Longevity is tuned down through a rules file (as an operator would) so an 8 s service connection
    // counts as long-lived within the suite's time; everything else keeps its defaults.
    private const string Rules = "# scenario suite\nlongevity_fixed_seconds = 4\nlongevity_floor_seconds = 4\n";

    [BpfFact]
    public async Task Every_scenario_gets_its_labelled_level_purpose_and_reason()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var work = Directory.CreateTempSubdirectory("n3t-scn-").FullName;
        File.SetUnixFileMode(work, (UnixFileMode)0x1ED); // 0755: the web scenario's CGI child runs as nobody
        var rules = Path.Combine(work, "rules.conf");
        File.WriteAllText(rules, Rules);
        var scenarios = ScenarioCatalog.All(id);
        // The attacker keeps each shell 4 s: time for the stdio probe even when the machine is loaded and the pipeline lags.
        var listeners = scenarios.Select(s => new ScenarioListener(s.Mode, TimeSpan.FromSeconds(4))).ToList();
        try
        {
            await using var tracer = await Tracer.StartAsync(["--rules", rules]);
            var runs = scenarios.Select((s, i) =>
            {
                var dir = Directory.CreateDirectory(Path.Combine(work, i.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
                return Task.Run(() => s.Run(listeners[i], dir));
            }).ToArray();
            await Task.WhenAll(runs);
            await Task.Delay(1000); // let the last deaths and level rows reach the trail
            var rc = await tracer.StopAsync();
            Assert.True(rc == 0, $"n3ttrace exited {rc}:\n{tracer.Stderr}");

            var births = TrailFilter.Read(Path.Combine(tracer.StateDir, "birth_records.tsv"), listeners.Select(l => l.Port));
            var timeline = TrailFilter.Read(Path.Combine(tracer.StateDir, "snapshots.tsv"), listeners.Select(l => l.Port));
            var outcomes = scenarios.Select((s, i) => ScenarioOutcome.From(births, timeline, listeners[i].Port)).ToList();
            var report = Report(scenarios, outcomes);
            output.WriteLine(report);
            File.WriteAllText(Path.Combine(Repo.Root, "bin", "scenario-report.txt"), report);

            var failures = new List<string>();
            for (var i = 0; i < scenarios.Count; i++)
            {
                var (s, o) = (scenarios[i], outcomes[i]);
                if (o.Connections == 0)
                {
                    failures.Add($"{s.Name}: no connection recorded");
                    continue;
                }
                if (o.Level != s.ExpectedLevel)
                {
                    failures.Add($"{s.Name}: level {o.Level}, expected {s.ExpectedLevel}");
                }
                if (s.ExpectedPurpose is { } purpose && o.LastPurpose != purpose)
                {
                    failures.Add($"{s.Name}: purpose '{o.LastPurpose}', expected '{purpose}'");
                }
                if (!o.HasReason(s.RequiredReason))
                {
                    failures.Add($"{s.Name}: no reason containing '{s.RequiredReason}'");
                }
            }
            // explain reads the same trail: the reverse shell's stdio-socket points must be there, per rule.
            var shell = births.FirstOrDefault(r => r["rport"] == listeners[0].Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (shell is not null)
            {
                var explain = Explain(shell["conn_id"], tracer.StateDir);
                output.WriteLine(explain);
                if (!explain.Contains("stdio-socket  +80", StringComparison.Ordinal) || !explain.Contains("lolbin-shell  0", StringComparison.Ordinal))
                {
                    failures.Add($"explain of the bash reverse shell lacks the per-rule contributions:\n{explain}");
                }
            }
            Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n\n" + report);
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string Explain(string connId, string stateDir)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(Repo.Cli) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "explain", connId, "--state-dir", stateDir })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return $"explain exit {p.ExitCode}\n{stdout}{stderr}";
    }

    private static string Report(IReadOnlyList<Scenario> scenarios, IReadOnlyList<ScenarioOutcome> outcomes)
    {
        var sb = new StringBuilder();
        sb.AppendLine("confusion table: scenario x level (X = observed; expected in brackets)");
        sb.AppendLine($"{"scenario",-42} {"NORMAL",-8} {"ANOMALY",-8} {"THREAT",-8} {"conns",5}  purpose (last)        reasons");
        for (var i = 0; i < scenarios.Count; i++)
        {
            var (s, o) = (scenarios[i], outcomes[i]);
            string Cell(string level) => (o.Level == level ? "X" : ".") + (s.ExpectedLevel == level ? " [exp]" : "");
            var reasons = string.Join(" | ", o.Reasons.Where(r => !r.StartsWith("purpose", StringComparison.Ordinal)).Select(r => r.Split(':')[0]).Distinct());
            sb.AppendLine($"{s.Name,-42} {Cell("NORMAL"),-8} {Cell("ANOMALY"),-8} {Cell("THREAT"),-8} {o.Connections,5}  {o.LastPurpose,-21} {reasons}");
        }
        foreach (var (s, o) in scenarios.Zip(outcomes).Where(x => x.Second.FirstBeaconCall > 0))
        {
            sb.AppendLine($"{s.Name}: beacon rule first fired at call {o.FirstBeaconCall} of {o.Connections}");
        }
        return sb.ToString();
    }
}
