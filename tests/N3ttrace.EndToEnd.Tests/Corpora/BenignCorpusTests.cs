using System.Globalization;
using Xunit.Abstractions;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// [judgement] The benign corpus (real cron, atd, supervisord, sshd, tmux, package managers, title rewriters, nohup,
/// unshare, n3ttrace's own forwarding) under one real `n3ttrace run --forward ...` on the shipped default rules.
/// Targets per connection: 0 THREAT, at most 5% ANOMALY, purpose right for at least 90%, `unknown` at most 5%.
/// </summary>
[Collection(nameof(DetectionCorpora))]
public class BenignCorpusTests(ITestOutputHelper output)
{
    // Bounds the explain runs of a bad baseline; every level miss up to this many is explained.
    private const int MaxExplained = 60;

    [BpfFact]
    [Trait("Corpus", "Benign")]
    public async Task Benign_corpus_meets_the_targets()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var work = Directory.CreateTempSubdirectory("w").FullName;
        var corpus = new BenignCorpus(work, id);
        try
        {
            var collector = corpus.Forwarding();
            await using var tracer = await Tracer.StartAsync(["--forward", $"syslog+tcp://127.0.0.1:{collector.Port.ToString(CultureInfo.InvariantCulture)}"]);
            await corpus.RunAllAsync();
            await Task.Delay(1500);
            var rc = await tracer.StopAsync();
            Assert.True(rc == 0, $"n3ttrace exited {rc}:\n{tracer.Stderr}");

            // The tracer's own forwarding connection is filtered in the kernel: it must not be in the trail.
            Assert.DoesNotContain(tracer.BirthRecords(), r => r["rport"] == collector.Port.ToString(CultureInfo.InvariantCulture));
            var parts = corpus.Parts;
            var verdicts = ConnectionVerdict.Read(tracer.StateDir, parts.Select(p => p.Port));
            var outcomes = verdicts.Select(v => new BenignOutcome(parts.First(p => p.Port == v.RemotePort), v, null)).ToList();
            var explained = 0;
            var groups = new HashSet<(string, string)>();
            for (var i = 0; i < outcomes.Count; i++)
            {
                var o = outcomes[i];
                var levelMiss = o.Verdict.Level != "NORMAL";
                if ((levelMiss || (o.Miss && groups.Add((o.Part.Id, o.Verdict.Purpose)))) && explained++ < MaxExplained)
                {
                    outcomes[i] = o with { Explain = CliExplain.Run(o.Verdict.ConnId, tracer.StateDir) };
                }
            }
            var report = BenignReport.Format(parts, outcomes, corpus.Notes);
            output.WriteLine(report);
            CorpusReportFile.Write("benign", report);
            var failures = BenignReport.Failures(parts, outcomes, corpus.Notes);
            Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n\n" + report);
        }
        finally
        {
            corpus.Cleanup();
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
