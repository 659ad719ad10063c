using N3ttrace.Core.Tests.Trail;
using N3ttrace.Trail;
using N3ttrace.Trail.Fleet;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Core.Tests.Fleet;

/// <summary>`fleet query` and `fleet at` answer across hosts what `query` and `at` answer on each host.</summary>
public class FleetHuntTests : IClassFixture<ClickHouseServerFixture>
{
    private readonly ClickHouseServer _server;

    public FleetHuntTests(ClickHouseServerFixture f) => _server = f.Server;

    private static List<string[]> Rows(ClickHouseClient c, string sql, IReadOnlyList<string> columns) =>
        c.Lines(sql).Select(l => FleetQueries.Cells(l, columns)).ToList();

    [Fact]
    public void Fleet_query_and_fleet_at_equal_each_hosts_local_answers()
    {
        using var client = ShipTests.Init(_server, "hunt");
        using var h1 = new TrailFixture(events: 2500, seed: 21);
        using var h2 = new TrailFixture(events: 2500, seed: 22);
        new TrailShipper(h1.Dir, client, ShipTests.Host("web1")).ShipOnce();
        new TrailShipper(h2.Dir, client, ShipTests.Host("web2")).ShipOnce();
        var columns = FleetQueries.QueryColumns;
        foreach (var (t, host) in new[] { (h1, "web1"), (h2, "web2") })
        {
            foreach (var filter in new[] { new QueryFilter(), new QueryFilter { Level = "ANOMALY" }, new QueryFilter { Port = 443 },
                new QueryFilter { Since = t.Workload.Start.AddSeconds(30), Until = t.Workload.Start.AddSeconds(60) } })
            {
                var local = BirthRecordQuery.Run(t.File(StateDirectory.BirthRecordsFile), t.File(StateDirectory.TimelineFile), filter);
                var fleet = Rows(client, FleetQueries.Query("hunt", filter, host, 1_000_000), columns);
                Assert.All(fleet, r => Assert.Equal(host, r[0]));
                // The same records, column by column as `query` prints them (verdict_from and bytes of end rows included).
                string Key(IEnumerable<string> r) => string.Join('\t', r);
                Assert.Equal(local.Select(Key).Order(StringComparer.Ordinal), fleet.Select(r => Key(r.Skip(1))).Order(StringComparer.Ordinal));
            }
            var w = t.Workload;
            for (var p = 0.1; p < 1; p += 0.2)
            {
                var at = w.Start + (w.Now - w.Start) * p;
                var local = TimeMachine.At(t.File(StateDirectory.TimelineFile), at).Connections.Select(c => c.ConnId).Order().ToList();
                var fleet = Rows(client, FleetQueries.At("hunt", at, host), FleetQueries.AtColumns).Select(r => r[1]).Order().ToList();
                Assert.NotEmpty(local);
                Assert.Equal(local, fleet);
            }
        }
        var top = Rows(client, FleetQueries.Top("hunt", "NORMAL", h1.Workload.Start.AddDays(-1), 1000), FleetQueries.TopColumns);
        Assert.Equal(new[] { "web1", "web2" }, top.Select(r => r[0]).Distinct().Order());
        Assert.Equal(ShipTests.Count(client, "SELECT count() FROM hunt.connections FINAL WHERE event = 'birth'"), top.Sum(r => long.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture)));
    }
}
