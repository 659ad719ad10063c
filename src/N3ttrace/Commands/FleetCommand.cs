using System.CommandLine;
using N3ttrace.Trail.Fleet;

namespace N3ttrace.Cli.Commands;

/// <summary>`n3ttrace fleet init|ddl`: the fleet's tables in ClickHouse.</summary>
internal static class FleetCommand
{
    public static Command Create()
    {
        var clickhouse = FleetOptions.ClickHouse();
        var init = new Command("init", "Create the fleet's database and tables (connections, processes, verdict_changes, gaps, chain_heads) if missing.") { clickhouse };
        init.SetAction(p =>
        {
            try
            {
                using var client = new ClickHouseClient(ClickHouseTarget.Parse(p.GetValue(clickhouse)!));
                foreach (var sql in FleetSchema.SingleNode(client.Target.Database))
                {
                    client.Execute(sql);
                }
                Console.Error.WriteLine($"fleet tables ready in {client.Target}");
                return ExitCodes.Ok;
            }
            catch (ClickHouseException e)
            {
                Console.Error.WriteLine($"n3ttrace: fleet init: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        var cluster = new Option<string?>("--cluster") { Description = "Print the DDL for this cluster (Distributed over ReplicatedReplacingMergeTree, sharded by host) instead of one server's." };
        var database = new Option<string>("--database") { Description = "Database name.", DefaultValueFactory = _ => ClickHouseTarget.DefaultDatabase };
        var ddl = new Command("ddl", "Print the DDL of the fleet's tables, for one server or a sharded, replicated cluster (run it with clickhouse-client --multiquery).") { cluster, database };
        ddl.SetAction(p =>
        {
            var db = p.GetValue(database)!;
            var name = p.GetValue(cluster);
            if (!ClickHouseTarget.IsIdentifier(db) || (name is not null && !ClickHouseTarget.IsIdentifier(name)))
            {
                Console.Error.WriteLine("n3ttrace: --database and --cluster must be letters, digits and '_'");
                return ExitCodes.Usage;
            }
            foreach (var sql in name is null ? FleetSchema.SingleNode(db) : FleetSchema.Cluster(db, name))
            {
                Console.Out.WriteLine(sql + ";\n");
            }
            return ExitCodes.Ok;
        });
        return new Command("fleet", "Many hosts in one ClickHouse: create the tables, hunt across hosts (docs/fleet.md).") { init, ddl, FleetHuntCommands.Query(), FleetHuntCommands.At(), FleetHuntCommands.Top() };
    }
}
