using N3ttrace.Trail.Fleet;

namespace N3ttrace.Core.Tests.Fleet;

/// <summary>`fleet init` against a real ClickHouse 18.16, and the cluster DDL checked by the server's own parser.</summary>
public class FleetSchemaTests : IClassFixture<ClickHouseServerFixture>
{
    private readonly ClickHouseServer _server;

    public FleetSchemaTests(ClickHouseServerFixture f) => _server = f.Server;

    [Fact]
    public void Init_creates_every_table_as_a_ReplacingMergeTree_partitioned_by_day_and_twice_is_harmless()
    {
        using var client = new ClickHouseClient(_server.Target("schema_init"));
        for (var i = 0; i < 2; i++)
        {
            foreach (var sql in FleetSchema.SingleNode("schema_init"))
            {
                client.Execute(sql);
            }
        }
        var tables = client.Execute("SELECT name, engine, partition_key, sorting_key FROM system.tables WHERE database = 'schema_init' ORDER BY name FORMAT TSV")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        Assert.Equal(new[] { "chain_heads", "connections", "gaps", "processes", "verdict_changes" }, tables.Select(t => t[0]));
        Assert.All(tables, t => Assert.Equal("ReplacingMergeTree", t[1]));
        Assert.All(tables, t => Assert.Equal("day", t[2]));
        Assert.Equal("host, event, conn_id", tables.Single(t => t[0] == "connections")[3]);
    }

    [Fact]
    public void Cluster_ddl_passes_the_servers_parser_and_a_broken_statement_does_not()
    {
        using var client = new ClickHouseClient(_server.Target("default"));
        var statements = FleetSchema.Cluster("fleet_cluster", "n3t_one_shard").ToList();
        Assert.Equal(1 + 2 * FleetSchema.Tables.Count, statements.Count);
        foreach (var sql in statements)
        {
            // readonly=1: the server parses the statement, then refuses to run it. Code 62 would be a syntax error.
            var e = Assert.Throws<ClickHouseException>(() => client.Execute(sql, "readonly=1"));
            Assert.DoesNotContain("Code: 62", e.Message, StringComparison.Ordinal);
        }
        var broken = statements[1].Replace("\n)\nENGINE", "\nENGINE", StringComparison.Ordinal); // a column list left open
        var syntax = Assert.Throws<ClickHouseException>(() => client.Execute(broken, "readonly=1"));
        Assert.Contains("Code: 62", syntax.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_distributed_table_sharded_by_host_over_the_local_tables_answers_like_them()
    {
        using var client = new ClickHouseClient(_server.Target("fleet_dist"));
        foreach (var sql in FleetSchema.SingleNode("fleet_dist"))
        {
            client.Execute(sql.Replace("fleet_dist.", "fleet_dist.local_", StringComparison.Ordinal));
        }
        foreach (var t in FleetSchema.Tables)
        {
            client.Execute($"CREATE TABLE IF NOT EXISTS fleet_dist.{t.Name} AS fleet_dist.local_{t.Name} ENGINE = Distributed(n3t_one_shard, fleet_dist, local_{t.Name}, cityHash64(host))");
        }
        client.Insert("local_chain_heads", System.Text.Encoding.UTF8.GetBytes(
            "{\"host\":\"h1\",\"boot_id\":\"\",\"day\":\"2026-12-03\",\"time\":\"2026-12-03 10:00:00\",\"ts_us\":1,\"file\":\"snapshots\",\"chain_seq\":7,\"chain_head\":\"ab\",\"chain_event\":\"\"}\n"));
        Assert.Equal("1", client.Execute("SELECT count() FROM fleet_dist.chain_heads WHERE host = 'h1' AND chain_seq = 7").Trim());
    }
}
