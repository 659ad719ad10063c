using System.CommandLine;
using System.Diagnostics;
using N3ttrace.Trail;
using N3ttrace.Trail.Fleet;

namespace N3ttrace.Cli.Commands;

/// <summary>`n3ttrace ship --clickhouse URL`: delivers what a (stopped or running) trail holds beyond its cursor, then exits.</summary>
internal static class ShipCommand
{
    public static Command Create()
    {
        var clickhouse = FleetOptions.ClickHouse();
        var host = FleetOptions.Host();
        var batch = FleetOptions.BatchRows();
        var stateDir = CommonOptions.StateDir();
        var cmd = new Command("ship", "Ship the trail's rows, gap records and chain heads to ClickHouse from where the last delivery stopped (cursor in the state directory).")
        {
            clickhouse, host, batch, stateDir,
        };
        cmd.SetAction(p =>
        {
            try
            {
                var dir = StateDirectory.Open(p.GetValue(stateDir)!, create: false);
                using var client = new ClickHouseClient(ClickHouseTarget.Parse(p.GetValue(clickhouse)!));
                var shipper = new TrailShipper(dir, client, FleetHost.Local(p.GetValue(host)), p.GetValue(batch));
                var sw = Stopwatch.StartNew();
                shipper.ShipOnce();
                var s = shipper.Stats;
                Console.Error.WriteLine($"shipped {s.Shipped} row(s) in {s.Batches} batch(es) to {client.Target} in {sw.Elapsed.TotalSeconds:0.0} s " +
                    $"({(sw.Elapsed.TotalSeconds > 0 ? s.Shipped / sw.Elapsed.TotalSeconds : 0):0} rows/s); cursor: birth_records {shipper.Cursor.Births}, snapshots {shipper.Cursor.Timeline}; {s.Stages}");
                return ExitCodes.Ok;
            }
            catch (ClickHouseException e)
            {
                Console.Error.WriteLine($"n3ttrace: ship: {e.Message} (what was acknowledged is kept in the cursor; run again to resume)");
                return ExitCodes.Failure;
            }
            catch (Exception e) when (e is StateDirectoryException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                Console.Error.WriteLine($"n3ttrace: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return cmd;
    }
}
