using System.CommandLine;
using System.Net;
using N3ttrace.Connections;
using N3ttrace.Privacy;
using N3ttrace.Trail;
using N3ttrace.Trail.Fleet;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Cli.Commands;

/// <summary>`fleet query`, `fleet at` and `fleet top`: hunting across every host's shipped trail (the SQL: docs/fleet.md).</summary>
internal static class FleetHuntCommands
{
    private static readonly string[] QueryTable = ["host", "ts", "conn_id", "direction", "pid", "comm", "remote_masked", "rport", "lifetime_s", "level", "purpose"];

    public static Command Query()
    {
        var clickhouse = FleetOptions.ClickHouse();
        var filters = new QueryFilterOptions();
        var host = new Option<string?>("--host") { Description = "Only this host (exact, or a glob with '*')." };
        var remote = new Option<string?>("--remote") { Description = "Remote ADDR:PORT (or ADDR with --port), hashed here with --endpoint-key: needs a fleet key (run --endpoint-key).", HelpName = "ADDR[:PORT]" };
        var endpointKey = FleetOptions.EndpointKey();
        var limit = Numbers.Integer("--limit", "At most this many rows.", 10_000, 1, 10_000_000);
        var format = RecordOutput.FormatOption();
        var output = RecordOutput.OutputOption();
        var cmd = new Command("query", "Search every host's birth records: the filters of 'n3ttrace query', plus --host and --remote. Output: query's columns after host.")
        {
            clickhouse, host, remote, endpointKey, limit, format, output,
        };
        foreach (var o in filters.All)
        {
            cmd.Options.Add(o);
        }
        cmd.SetAction(p =>
        {
            QueryFilter q;
            try
            {
                q = filters.Read(p, DateTime.UtcNow);
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"n3ttrace: {e.Message}");
                return ExitCodes.Usage;
            }
            if (p.GetValue(remote) is { } r)
            {
                if (!HashEndpointCommand.TryParseEndpoint(r, out var address, out var port) || (port == 0 && q.Port is null))
                {
                    Console.Error.WriteLine($"n3ttrace: --remote '{Text.TextEscaper.Escape(r)}' must be ADDR:PORT, [IPv6]:PORT, or ADDR with --port");
                    return ExitCodes.Usage;
                }
                if (p.GetValue(endpointKey) is not { } keyFile)
                {
                    Console.Error.WriteLine("n3ttrace: --remote needs --endpoint-key FILE: the fleet's key the hosts hash endpoints with");
                    return ExitCodes.Usage;
                }
                try
                {
                    q = q with { RemoteHash = new EndpointPrivacy(EndpointKeyFile.Read(keyFile)).Hash(address, port > 0 ? port : q.Port!.Value), Port = port > 0 ? port : q.Port };
                }
                catch (Exception e) when (e is StateDirectoryException or IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"n3ttrace: {e.Message}");
                    return ExitCodes.Failure;
                }
            }
            return Run(p.GetValue(clickhouse)!, db => FleetQueries.Query(db, q, p.GetValue(host), p.GetValue(limit)), FleetQueries.QueryColumns,
                p.GetValue(output), p.GetValue(format)!, "connection(s)", QueryTable, null);
        });
        return cmd;
    }

    public static Command At()
    {
        var clickhouse = FleetOptions.ClickHouse();
        var time = new Argument<string>("TIME") { Description = TimeExpression.Help };
        var host = new Option<string?>("--host") { Description = "Only this host (exact, or a glob with '*')." };
        var format = RecordOutput.FormatOption();
        var output = RecordOutput.OutputOption();
        var cmd = new Command("at", "What every host (or --host) was connected to at TIME. A host with a gap record over TIME answers incompletely (said so).")
        {
            time, clickhouse, host, format, output,
        };
        cmd.SetAction(p =>
        {
            DateTime at;
            try
            {
                at = TimeExpression.Parse(p.GetValue(time)!, DateTime.UtcNow);
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"n3ttrace: {e.Message}");
                return ExitCodes.Usage;
            }
            return Run(p.GetValue(clickhouse)!, db => FleetQueries.At(db, at, p.GetValue(host)), FleetQueries.AtColumns, p.GetValue(output), p.GetValue(format)!,
                "connection(s) alive", null, db => FleetQueries.GapsAt(db, at, p.GetValue(host)));
        });
        return cmd;
    }

    public static Command Top()
    {
        var clickhouse = FleetOptions.ClickHouse();
        var level = new Option<string>("--level") { Description = "This level or above: NORMAL, ANOMALY or THREAT.", DefaultValueFactory = _ => Verdict.Threat };
        level.AcceptOnlyFromAmong([.. Verdict.LevelNames]);
        var since = new Option<string>("--since") { Description = "From when (" + TimeExpression.Help + ")", DefaultValueFactory = _ => "-24h" };
        var limit = Numbers.Integer("--limit", "At most this many rows.", 50, 1, 100_000);
        var format = RecordOutput.FormatOption();
        var output = RecordOutput.OutputOption();
        var cmd = new Command("top", "Hosts and executables with the most connections at a level (latest verdict) since a time, fleet-wide.")
        {
            clickhouse, level, since, limit, format, output,
        };
        cmd.SetAction(p =>
        {
            DateTime from;
            try
            {
                from = TimeExpression.Parse(p.GetValue(since)!, DateTime.UtcNow);
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"n3ttrace: {e.Message}");
                return ExitCodes.Usage;
            }
            return Run(p.GetValue(clickhouse)!, db => FleetQueries.Top(db, p.GetValue(level)!, from, p.GetValue(limit)), FleetQueries.TopColumns,
                p.GetValue(output), p.GetValue(format)!, "row(s)", null, null);
        });
        return cmd;
    }

    private static int Run(string url, Func<string, string> sql, IReadOnlyList<string> columns, string? output, string format, string what,
        IReadOnlyList<string>? tableColumns, Func<string, string>? gapsSql)
    {
        try
        {
            using var client = new ClickHouseClient(ClickHouseTarget.Parse(url), TimeSpan.FromMinutes(5));
            var db = client.Target.Database;
            var rows = client.Lines(sql(db)).Select(l => FleetQueries.Cells(l, columns)).ToList();
            var gaps = gapsSql is null ? [] : client.Lines(gapsSql(db)).Select(l => FleetQueries.Cells(l, ["host", "file", "cause", "records", "from_us", "to_us"]))
                .Select(g => new GapRecord($"{g[0]} {g[1]} {g[2]}", long.TryParse(g[3], out var n) ? n : null,
                    DateTime.UnixEpoch.AddTicks(long.Parse(g[4], System.Globalization.CultureInfo.InvariantCulture) * 10),
                    DateTime.UnixEpoch.AddTicks(long.Parse(g[5], System.Globalization.CultureInfo.InvariantCulture) * 10))).ToList();
            return RecordOutput.WriteTo(output, format, $"{rows.Count} {what} in {client.Target}", columns, rows, tableColumns, gaps);
        }
        catch (ClickHouseException e)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
