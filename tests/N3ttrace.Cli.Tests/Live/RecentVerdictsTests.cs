using N3ttrace.Connections;
using N3ttrace.Cli.Live;

namespace N3ttrace.Core.Tests.Live;

public sealed class RecentVerdictsTests
{
    private static readonly DateTime T0 = new(2026, 12, 3, 6, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Alerts_stay_after_they_close_and_counts_follow_the_highest_level()
    {
        var r = new RecentVerdicts(4);
        var quiet = Connections.Make(1_000, pid: 1);
        var shell = Connections.Make(2_000, pid: 2, comm: "bash", level: RiskLevel.Threat);
        r.OnBirth(quiet, T0);
        r.OnBirth(shell, T0);
        shell.EndBootNs = 2_000 + 20_000_000;
        shell.State = ConnectionState.Closed;
        r.OnEnd(shell, "closed", shell.AgeSeconds(0));
        var pane = r.Snapshot(LiveFilter.All, 8, 10_000_000_000);
        var line = Assert.Single(pane);
        Assert.Equal(shell.ConnId, line.ConnId);
        Assert.Equal("closed after 20ms", line.State);
        Assert.Equal([1L, 0L, 1L], r.Counts);

        // NORMAL -> ANOMALY -> NORMAL: counted once, as ANOMALY; listed once.
        quiet.Verdict = quiet.Verdict with { Level = RiskLevel.Anomaly };
        r.OnVerdictChange(quiet, T0.AddSeconds(1));
        quiet.Verdict = quiet.Verdict with { Level = RiskLevel.Normal };
        r.OnVerdictChange(quiet, T0.AddSeconds(2));
        Assert.Equal([0L, 1L, 1L], r.Counts);
        Assert.Equal([quiet.ConnId, shell.ConnId], r.Snapshot(LiveFilter.All, 8, 0).Select(x => x.ConnId));
        Assert.Equal([shell.ConnId], r.Snapshot(new LiveFilter(RiskLevel.Threat), 8, 0).Select(x => x.ConnId));
        Assert.Empty(r.Snapshot(new LiveFilter(Port: 22), 8, 0));
        Assert.Single(r.Snapshot(new LiveFilter(Comm: "ba*"), 8, 0));
    }

    [Fact]
    public void A_flood_of_anomalies_does_not_push_out_a_threat()
    {
        var r = new RecentVerdicts(3);
        var threat = Connections.Make(1, pid: 1, level: RiskLevel.Threat);
        r.OnBirth(threat, T0);
        for (var i = 0; i < 50; i++)
        {
            r.OnBirth(Connections.Make(100 + i, pid: 100 + i, level: RiskLevel.Anomaly), T0);
        }
        var pane = r.Snapshot(LiveFilter.All, 10, 0);
        Assert.Equal(3, pane.Count);
        Assert.Contains(pane, p => p.ConnId == threat.ConnId);
        Assert.Equal(50, r.Counts[(int)RiskLevel.Anomaly]);
    }

    [Fact]
    public void The_pane_is_laid_out_between_header_and_table_with_conn_ids()
    {
        var r = new RecentVerdicts(4);
        var shell = Connections.Make(2_000, pid: 2, comm: "bash", level: RiskLevel.Threat);
        r.OnBirth(shell, T0);
        var frame = new LiveFrame(T0, "ebpf", "", 0, 0, 0, "-", "-", new long[10], 0, TimeSpan.FromMinutes(10), SortMode.Risk, 0, [], false,
            r.Snapshot(LiveFilter.All, 8, 0), r.Counts.ToArray(), new LiveFilter(RiskLevel.Anomaly).Describe());
        var lines = FrameLayout.Lay(frame, 200, paused: false);
        Assert.Equal(FrameLayout.FixedLines(frame), lines.Count);
        Assert.Contains("seen THREAT 1 ANOMALY 0 NORMAL 0", lines[1].Text, StringComparison.Ordinal);
        Assert.Contains("filter level>=ANOMALY", lines[0].Text, StringComparison.Ordinal);
        Assert.Equal("bins      <1ms:0 <10ms:0 <100ms:0 <1s:0 <10s:0 <1m:0 <10m:0 <1h:0 <1d:0 >=1d:0", lines[3].Text);
        Assert.Equal(FrameLayout.PaneTitle, lines[4].Text);
        Assert.Contains($"conn_id {shell.ConnId} pid 2", lines[5].Text, StringComparison.Ordinal);
        Assert.Equal(RiskLevel.Threat, lines[5].Level);
        Assert.StartsWith("LV", lines[6].Text, StringComparison.Ordinal);
    }
}
