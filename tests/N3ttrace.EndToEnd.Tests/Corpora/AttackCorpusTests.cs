using Xunit.Abstractions;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// [judgement] The attack corpus on the shipped default rules. The tuning two thirds and the held-out third run as
/// separate tests (traits Corpus=AttackTuning / Corpus=AttackHeldOut, so `--filter` can run each alone) under separate
/// tracers, and each reports its own figure. Targets: every scenario at least ANOMALY, at least 95% THREAT for
/// interactive shells and tunnels. Those targets are not met yet (see docs/detection-corpora.md): a run fails on a
/// scenario that did not run as designed, or below the floor the rules reached when the held-out third was first
/// run (tuning 28/31 and 25/27, held-out 14/15 and 11/13), less one scenario of run-to-run variance.
/// </summary>
[Collection(nameof(DetectionCorpora))]
public class AttackCorpusTests(ITestOutputHelper output)
{
    [BpfFact]
    [Trait("Corpus", "AttackTuning")]
    public Task Tuning_two_thirds_hold_the_floor() =>
        RunAndAssert("attack-tuning", "ATTACK CORPUS, TUNING two thirds", AttackCorpus.Tuning, new AttackReport.Floor(AtLeastAnomaly: 31, Threat: 27)); // second round: 32/34 and 28/30, less one

    [BpfFact]
    [Trait("Corpus", "AttackHeldOut")]
    public async Task Held_out_third_holds_the_floor()
    {
        var heldOut = AttackCorpus.HeldOut();
        Assert.True(heldOut.Count > 0, "the held-out third (AttackCorpus.HeldOut.cs) is not in this tree");
        await RunAndAssert("attack-heldout", "ATTACK CORPUS, HELD-OUT third", heldOut, new AttackReport.Floor(AtLeastAnomaly: 13, Threat: 10));
    }

    /// <summary>
    /// Held-out set 2 (AttackCorpus.HeldOut2.cs), never tuned on: asserts the targets themselves, every scenario
    /// at least ANOMALY and at least 95% THREAT among shells and tunnels.
    /// </summary>
    [BpfFact]
    [Trait("Corpus", "AttackHeldOut2")]
    public Task Held_out_set_2_meets_the_targets()
    {
        var set = AttackCorpus.HeldOut2;
        var threatOf = set.Count(s => s.MinLevel == "THREAT");
        return RunAndAssert("attack-heldout2", "ATTACK CORPUS, HELD-OUT set 2", set,
            new AttackReport.Floor(AtLeastAnomaly: set.Count, Threat: (int)Math.Ceiling(AttackReport.ThreatTarget * threatOf)));
    }

    private async Task RunAndAssert(string part, string title, IReadOnlyList<AttackScenario> scenarios, AttackReport.Floor floor)
    {
        var outcomes = await AttackCorpusRunner.RunAsync(scenarios);
        var misses = AttackReport.TargetMisses(outcomes);
        var report = AttackReport.Format(title, outcomes)
            + (misses.Count == 0 ? "targets met\n" : "TARGETS NOT MET:\n  " + string.Join("\n  ", misses) + "\n");
        output.WriteLine(report);
        CorpusReportFile.Write(part, report);
        var failures = AttackReport.Failures(outcomes, floor);
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n\n" + report);
    }
}
