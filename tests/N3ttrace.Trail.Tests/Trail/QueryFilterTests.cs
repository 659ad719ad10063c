using System.Globalization;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>query's filters by remote port, conn_id, command line and uid, and its [since, until) window.</summary>
public sealed class QueryFilterTests
{
    private static string Col(string[] row, string name) => row[BirthRecordQuery.Columns.ToList().IndexOf(name)];

    [Fact]
    public void Port_conn_id_cmdline_and_uid_select_exactly_their_records()
    {
        using var t = new TrailFixture(events: 2000, seed: 33);
        var births = t.File(StateDirectory.BirthRecordsFile);
        var timeline = t.File(StateDirectory.TimelineFile);
        var lives = t.Workload.Lives;
        var one = lives[123];

        var byPort = BirthRecordQuery.Run(births, timeline, new QueryFilter { Port = one.Port });
        Assert.Equal(lives.Count(l => l.Port == one.Port), byPort.Count);
        Assert.All(byPort, r => Assert.Equal(one.Port.ToString(CultureInfo.InvariantCulture), Col(r, "rport")));

        var byId = Assert.Single(BirthRecordQuery.Run(births, timeline, new QueryFilter { ConnId = one.ConnId }));
        Assert.Equal(one.Pid.ToString(CultureInfo.InvariantCulture), Col(byId, "pid"));

        // argv is "COMM --id N": the connection number makes each command line unique.
        var cmdline = Col(byId, "cmdline");
        Assert.Single(BirthRecordQuery.Run(births, timeline, new QueryFilter { Cmdline = cmdline }));
        Assert.Equal(lives.Count(l => l.Comm == one.Comm), BirthRecordQuery.Run(births, timeline, new QueryFilter { Cmdline = one.Comm + " --id *" }).Count);

        var uid = long.Parse(Col(byId, "uid"), CultureInfo.InvariantCulture);
        Assert.Equal(lives.Count, BirthRecordQuery.Run(births, timeline, new QueryFilter { Uid = uid }).Count);
        Assert.Empty(BirthRecordQuery.Run(births, timeline, new QueryFilter { Uid = uid + 1 }));

        // [since, until): a record born exactly at until is outside, one born exactly at since inside.
        var at = BirthRecordQuery.Run(births, timeline, new QueryFilter { Since = one.Birth, Until = one.Birth });
        Assert.Empty(at);
        Assert.Contains(BirthRecordQuery.Run(births, timeline, new QueryFilter { Since = one.Birth, Until = one.Birth.AddTicks(10) }), r => Col(r, "conn_id") == one.ConnId);
    }
}
