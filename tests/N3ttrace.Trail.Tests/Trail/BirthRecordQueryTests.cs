using System.Globalization;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

public class BirthRecordQueryTests
{
    private static string Col(string[] row, string name) => row[BirthRecordQuery.Columns.ToList().IndexOf(name)];

    [Fact]
    public void Query_filters_births_and_adds_lifetime_and_latest_verdict()
    {
        using var t = new TrailFixture(events: 3000, seed: 21);
        var births = t.File(StateDirectory.BirthRecordsFile);
        var timeline = t.File(StateDirectory.TimelineFile);
        var lives = t.Workload.Lives;

        var all = BirthRecordQuery.Run(births, timeline, new QueryFilter());
        Assert.Equal(lives.Count, all.Count);

        var pid = lives[10].Pid;
        var byPid = BirthRecordQuery.Run(births, timeline, new QueryFilter { Pid = pid });
        Assert.Equal(lives.Count(l => l.Pid == pid), byPid.Count);

        var since = lives[500].Birth;
        var until = lives[900].Birth;
        Assert.Equal(lives.Count(l => l.Birth >= since && l.Birth < until),
            BirthRecordQuery.Run(births, timeline, new QueryFilter { Since = since, Until = until }).Count);

        Assert.Equal(lives.Count(l => l.Comm.StartsWith("worker3", StringComparison.Ordinal)),
            BirthRecordQuery.Run(births, timeline, new QueryFilter { Comm = "worker3*" }).Count);

        foreach (var row in all)
        {
            var life = lives.Single(l => l.ConnId == Col(row, "conn_id"));
            if (life.Failed)
            {
                Assert.Equal("fail", Col(row, "end"));
            }
            else if (life.Death is { } d)
            {
                Assert.Equal("death", Col(row, "end"));
                Assert.Equal((d - life.Birth).TotalSeconds, double.Parse(Col(row, "lifetime_s"), CultureInfo.InvariantCulture), 6);
            }
            else
            {
                Assert.Equal("", Col(row, "end"));
            }
        }
        // The workload raises some connections to ANOMALY after birth: only the timeline knows.
        var anomalies = BirthRecordQuery.Run(births, timeline, new QueryFilter { Level = "anomaly" });
        Assert.NotEmpty(anomalies);
        Assert.All(anomalies, r => Assert.StartsWith("level-change ", Col(r, "verdict_from"), StringComparison.Ordinal));
        Assert.All(anomalies, r => Assert.Equal("synthetic rule", Col(r, "reasons")));
    }

    [Theory]
    [InlineData("worker*", "worker3", true)]
    [InlineData("*3", "worker3", true)]
    [InlineData("w*k*3", "worker3", true)]
    [InlineData("worker", "worker3", false)]
    [InlineData("a*a", "a", false)]
    public void Globs_match_whole_values(string pattern, string value, bool match) => Assert.Equal(match, QueryFilter.Matches(pattern, value));
}
