using N3ttrace.Core.Tests.Trail;
using N3ttrace.Trail.Fleet;

namespace N3ttrace.Core.Tests.Fleet;

/// <summary>ClickHouse goes away while the trail grows: nothing is lost, the cursor waits, delivery resumes, no duplicates.</summary>
public class OutageTests
{
    [Fact]
    public void Rows_written_while_clickhouse_was_down_arrive_once_when_it_is_back()
    {
        using var server = new ClickHouseServer();
        using var client = ShipTests.Init(server, "outage");
        using var t = new TrailFixture(events: 1500, seed: 5, stop: false);
        var shipper = new TrailShipper(t.Dir, client, ShipTests.Host("o"), batchRows: 200);
        shipper.ShipOnce();
        var before = shipper.Cursor;

        server.Stop();
        t.Workload.Run(t.Abandoned!, 1500, TimeSpan.FromMilliseconds(50));
        t.Abandoned!.Flush();
        var down = Assert.Throws<ClickHouseException>(() => shipper.ShipOnce());
        Assert.True(down.Unreachable, down.Message);
        Assert.Equal(before, ShipCursor.Load(t.Dir, client.Target.ToString()));
        Assert.True(shipper.Stats.Failures > 0);

        server.Start();
        shipper.ShipOnce();
        var (births, deaths, fails) = ShipTests.Local(t);
        Assert.Equal(births.Order(), ShipTests.Ids(client, "outage", "o", "birth").Order());
        Assert.Equal(deaths.Order(), ShipTests.Ids(client, "outage", "o", "death").Order());
        Assert.Equal(fails.Order(), ShipTests.Ids(client, "outage", "o", "fail").Order());
        Assert.Equal(births.Count, ShipTests.Count(client, "SELECT count() FROM outage.connections WHERE event = 'birth'"));
        Assert.Equal(0, shipper.Stats.Pending);
        t.Abandoned!.Dispose();
    }
}
