using N3ttrace.Core.Tests.Trail;
using N3ttrace.Trail;
using N3ttrace.Trail.Fleet;

namespace N3ttrace.Core.Tests.Fleet;

/// <summary>Trails written by the real TrailSink, shipped into a real ClickHouse 18.16: every row once, from a cursor.</summary>
public class ShipTests : IClassFixture<ClickHouseServerFixture>
{
    private readonly ClickHouseServer _server;

    public ShipTests(ClickHouseServerFixture f) => _server = f.Server;

    internal static ClickHouseClient Init(ClickHouseServer server, string db)
    {
        var client = new ClickHouseClient(server.Target(db));
        foreach (var sql in FleetSchema.SingleNode(db))
        {
            client.Execute(sql);
        }
        return client;
    }

    internal static FleetHost Host(string name) => new(name, "boot-" + name, DateTime.UnixEpoch);

    internal static long Count(ClickHouseClient c, string sql) => long.Parse(c.Execute(sql).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What the trail holds, read locally: conn_ids of birth records, of death rows and of fail rows.</summary>
    internal static (HashSet<string> Births, HashSet<string> Deaths, HashSet<string> Fails) Local(TrailFixture t)
    {
        using var b = TrailReader.OpenShared(t.File(StateDirectory.BirthRecordsFile));
        var births = new TrailReader().ReadData(b).Select(r => r["conn_id"]).ToHashSet();
        using var s = TrailReader.OpenShared(t.File(StateDirectory.TimelineFile));
        var rows = new TrailReader().ReadData(s).ToList();
        return (births, rows.Where(r => r["event"] == TimelineColumns.Death).Select(r => r["conn_id"]).ToHashSet(),
            rows.Where(r => r["event"] == TimelineColumns.Fail).Select(r => r["conn_id"]).ToHashSet());
    }

    internal static HashSet<string> Ids(ClickHouseClient c, string db, string host, string evt, bool final = true) =>
        c.Execute($"SELECT conn_id FROM {db}.connections {(final ? "FINAL" : "")} WHERE host = '{host}' AND event = '{evt}' FORMAT TSV")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();

    [Fact]
    public void Three_hosts_every_connection_exactly_once_after_final()
    {
        using var client = Init(_server, "three");
        for (var h = 1; h <= 3; h++)
        {
            using var t = new TrailFixture(events: 3000, seed: h);
            new TrailShipper(t.Dir, client, Host("h" + h), batchRows: 500).ShipOnce();
            var (births, deaths, fails) = Local(t);
            Assert.True(births.Count > 500 && deaths.Count > 100 && fails.Count > 0, $"workload: {births.Count} births, {deaths.Count} deaths, {fails.Count} fails");
            Assert.Equal(births.Order(), Ids(client, "three", "h" + h, "birth").Order());
            Assert.Equal(deaths.Order(), Ids(client, "three", "h" + h, "death").Order());
            Assert.Equal(fails.Order(), Ids(client, "three", "h" + h, "fail").Order());
            Assert.Equal(births.Count, Count(client, $"SELECT count() FROM three.connections FINAL WHERE host = 'h{h}' AND event = 'birth'"));
            // Every birth record carries its process certificate, and the chain heads went with the rows.
            Assert.Equal(0, Count(client, $"SELECT count() FROM three.connections WHERE host = 'h{h}' AND event = 'birth' AND (exe = '' OR process_id = '' OR ancestry_id = '')"));
            Assert.True(Count(client, $"SELECT count() FROM three.processes FINAL WHERE host = 'h{h}'") > 0);
            Assert.True(Count(client, $"SELECT count() FROM three.chain_heads FINAL WHERE host = 'h{h}' AND file = 'snapshots'") > 0);
        }
        Assert.Equal(3, Count(client, "SELECT uniqExact(host) FROM three.connections"));
    }

    [Fact]
    public void Shipping_again_from_scratch_duplicates_rows_that_final_removes()
    {
        using var client = Init(_server, "again");
        using var t = new TrailFixture(events: 1500, seed: 7);
        new TrailShipper(t.Dir, client, Host("a")).ShipOnce();
        var once = Count(client, "SELECT count() FROM again.connections");
        File.Delete(t.Dir.FilePath(ShipCursor.FileName)); // as a lost cursor: everything goes again
        new TrailShipper(t.Dir, client, Host("a")).ShipOnce();
        Assert.Equal(2 * once, Count(client, "SELECT count() FROM again.connections"));
        Assert.Equal(once, Count(client, "SELECT count() FROM again.connections FINAL"));
    }

    [Fact]
    public void A_running_trail_resumes_from_its_cursor_without_sending_deaths_twice()
    {
        using var client = Init(_server, "resume");
        using var t = new TrailFixture(events: 2000, seed: 11, stop: false);
        var first = new TrailShipper(t.Dir, client, Host("r"), batchRows: 300);
        first.ShipOnce();
        var cursor = ShipCursor.Load(t.Dir, client.Target.ToString());
        Assert.True(cursor.Births > 0 && cursor.Timeline > 0);
        t.Workload.Run(t.Abandoned!, 2000, TimeSpan.FromMilliseconds(50));
        t.Abandoned!.Flush();
        new TrailShipper(t.Dir, client, Host("r"), batchRows: 300).ShipOnce(); // a restart: the cursor comes from the file
        var (births, deaths, _) = Local(t);
        Assert.Equal(births.Order(), Ids(client, "resume", "r", "birth").Order());
        Assert.Equal(deaths.Order(), Ids(client, "resume", "r", "death").Order());
        Assert.Equal(births.Count, Count(client, "SELECT count() FROM resume.connections WHERE event = 'birth'"));
        Assert.Equal(deaths.Count, Count(client, "SELECT count() FROM resume.connections WHERE event = 'death'"));
        t.Abandoned!.Dispose();
    }
}
