using N3ttrace.Connections;
using N3ttrace.Inference;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Inference;

public class VerdictEngineTests
{
    [Fact]
    public void A_beacon_is_recognised_on_the_configured_call_and_raises_the_level()
    {
        using var engine = new VerdictEngine(RulesConfig.Default, new HostBaseline(1000));
        var loop = Make.Shell(parent: Make.Node(Make.Ctx("/usr/bin/dotnet", ["dotnet"])));
        var levels = new List<RiskLevel>();
        for (var i = 0; i < 10; i++)
        {
            var c = Make.Conn(Make.Node(Make.Ctx("/usr/bin/curl", ["curl", "http://x"]), loop), birthNs: i * 1_000_000_000L + (i % 2) * 100_000_000L);
            c.Verdict = engine.Judge(c, c.BirthBootNs);
            levels.Add(c.Verdict.Level);
            engine.OnEnd(c);
        }
        // call 1: first-seen + lolbin (supporting context, 15: NORMAL); 2..5: lolbin only; from call 6 the beacon rule adds 45 (ANOMALY:
        // a beacon alone is behaviour worth a look, not a verdict of intrusion).
        Assert.All(levels.Take(5), l => Assert.Equal(RiskLevel.Normal, l));
        Assert.All(levels.Skip(5), l => Assert.Equal(RiskLevel.Anomaly, l));
    }

    [Fact]
    public void Reassess_reports_a_shell_that_execs_with_socket_stdio_once()
    {
        using var engine = new VerdictEngine(RulesConfig.Default, new HostBaseline(1000));
        var node = Make.Node(Make.Ctx("/usr/bin/perl", ["perl", "-e", "1"]), Make.Node(Make.Ctx("/usr/bin/dotnet", ["dotnet"])));
        var c = Make.Conn(node);
        c.Verdict = engine.Judge(c, c.BirthBootNs);
        Assert.Empty(engine.Reassess([c], c.BirthBootNs + 1)); // probe: this test's pid is not the connection's
        node.Context = Make.Ctx("/usr/bin/dash", ["sh", "-i"], stdio: 7); // the exec event
        var changed = Assert.Single(engine.Reassess([c], c.BirthBootNs + 2));
        Assert.Equal(RiskLevel.Threat, changed.Verdict.Level);
        Assert.StartsWith("stdio-socket +80", changed.Verdict.Reasons[0], StringComparison.Ordinal);
        c.Verdict = changed.Verdict;
        Assert.Empty(engine.Reassess([c], c.BirthBootNs + 3));
    }

    [Fact]
    public void The_per_process_judgement_is_reused_until_the_process_execs()
    {
        using var engine = new VerdictEngine(RulesConfig.Default, new HostBaseline(1000));
        var node = Make.Node(Make.Ctx("/usr/bin/curl", ["curl"]), Make.Shell(parent: Make.Node(Make.Ctx("/usr/bin/dotnet", ["dotnet"]))));
        var first = engine.Judge(Make.Conn(node), 0);
        Assert.Contains(first.Reasons, r => r.StartsWith("first-seen", StringComparison.Ordinal));
        var second = engine.Judge(Make.Conn(node, birthNs: 1), 0);
        Assert.Same(second, engine.Judge(Make.Conn(node, birthNs: 2), 0)); // no per-connection hit: one shared verdict
        Assert.StartsWith("lolbin +10", second.Reasons[0], StringComparison.Ordinal);
        node.Context = Make.Ctx("/usr/bin/bash", ["bash"]); // exec: judged again
        Assert.StartsWith("shell-connect", engine.Judge(Make.Conn(node, birthNs: 3), 0).Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Existing_connections_at_start_are_learnt_not_flagged_as_first_seen()
    {
        using var engine = new VerdictEngine(RulesConfig.Default, new HostBaseline(1000));
        var node = Make.Node(Make.Ctx("/usr/sbin/sshd", ["sshd"]));
        var before = Make.Conn(node, beforeStart: true);
        Assert.DoesNotContain(engine.Judge(before, 0).Reasons, r => r.StartsWith("first-seen", StringComparison.Ordinal));
        Assert.DoesNotContain(engine.Judge(Make.Conn(node), 0).Reasons, r => r.StartsWith("first-seen", StringComparison.Ordinal));
        Assert.Contains(engine.Judge(Make.Conn(node, remoteHash: "other"), 0).Reasons, r => r.StartsWith("first-seen", StringComparison.Ordinal));
    }
}
