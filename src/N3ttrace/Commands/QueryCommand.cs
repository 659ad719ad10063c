using System.CommandLine;
using N3ttrace.Connections;
using N3ttrace.Trail.TimeTravel;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

/// <summary>`n3ttrace query`: birth certificates by time, process, lineage, endpoint hash or verdict.</summary>
internal static class QueryCommand
{
    private static readonly string[] TableColumns = ["ts", "conn_id", "direction", "pid", "comm", "remote_masked", "rport", "ancestry_id", "lifetime_s", "level", "purpose"];

    public static Command Create()
    {
        var (since, until) = WindowOptions.Create("Only connections born in [--since, --until)");
        var pid = new Option<int?>("--pid") { Description = "Process id (tgid) that connected." };
        var port = Numbers.OptionalInteger<int>("--port", "Remote port.", 1, 65535);
        var connId = new Option<string?>("--conn-id") { Description = "One connection's conn_id (16 hex digits)." };
        var cmdline = new Option<string?>("--cmdline") { Description = "Command line as stored (escaped): exact, or a glob with '*'." };
        var uid = Numbers.OptionalInteger<long>("--uid", "User id that connected.", 0, uint.MaxValue);
        var comm = new Option<string?>("--comm") { Description = "comm at connect: exact, or a glob with '*'." };
        var exe = new Option<string?>("--exe") { Description = "Executable path: exact, or a glob with '*'." };
        var ancestry = new Option<string?>("--ancestry") { Description = "ancestry_id (its recipe: docs/internals.md)." };
        var remoteHash = new Option<string?>("--remote-hash") { Description = "Keyed endpoint hash, as printed by 'n3ttrace hash-endpoint ADDR:PORT'." };
        var purpose = new Option<string?>("--purpose") { Description = "Latest purpose guess: exact, or a glob with '*'." };
        var level = new Option<string?>("--level") { Description = "Latest risk level, this one or above (as tail and the live view): NORMAL, ANOMALY or THREAT.", HelpName = "LEVEL" };
        level.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<string?>();
            if (v is not null && !Verdict.LevelNames.Contains(v.ToUpperInvariant()))
            {
                r.AddError("--level must be NORMAL, ANOMALY or THREAT");
            }
        });
        var direction = new Option<string?>("--direction") { Description = "outbound, inbound (accepted on a listener) or listen (the listening socket)." };
        direction.AcceptOnlyFromAmong([.. FlowDirections.Names]);
        var format = RecordOutput.FormatOption();
        var output = RecordOutput.OutputOption();
        var stateDir = CommonOptions.StateDir();
        var cmd = new Command("query",
            "Search birth records. tsv output has the birth record's columns (verdict columns updated to the latest level change) plus end, end_ts, lifetime_s and verdict_from.")
        {
            since, until, pid, port, connId, cmdline, uid, comm, exe, ancestry, remoteHash, purpose, level, direction, format, output, stateDir,
        };
        cmd.SetAction(p =>
        {
            var now = DateTime.UtcNow;
            QueryFilter q;
            try
            {
                q = new QueryFilter
                {
                    Since = p.GetValue(since) is { } s ? TimeExpression.Parse(s, now) : null,
                    Until = p.GetValue(until) is { } u ? TimeExpression.Parse(u, now) : null,
                    Pid = p.GetValue(pid),
                    Port = p.GetValue(port),
                    ConnId = p.GetValue(connId),
                    Cmdline = p.GetValue(cmdline),
                    Uid = p.GetValue(uid),
                    Comm = p.GetValue(comm),
                    Exe = p.GetValue(exe),
                    Ancestry = p.GetValue(ancestry),
                    RemoteHash = p.GetValue(remoteHash),
                    Purpose = p.GetValue(purpose),
                    Level = p.GetValue(level),
                    Direction = p.GetValue(direction) is { } d ? FlowDirections.Parse(d) : null,
                };
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"n3ttrace: {e.Message}");
                return ExitCodes.Usage;
            }
            List<string[]> rows;
            List<GapRecord> gaps;
            try
            {
                var dir = StateDirectory.Open(p.GetValue(stateDir)!, create: false);
                rows = BirthRecordQuery.Run(dir.FilePath(StateDirectory.BirthRecordsFile), dir.FilePath(StateDirectory.TimelineFile), q);
                // Births are what query answers from: a gap in their chain over the window makes the answer incomplete.
                gaps = GapScan.Overlapping(dir.FilePath(StateDirectory.BirthRecordsFile), q.Since, q.Until);
            }
            catch (Exception e) when (e is StateDirectoryException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                Console.Error.WriteLine($"n3ttrace: {e.Message}");
                return ExitCodes.Failure;
            }
            return RecordOutput.WriteTo(p.GetValue(output), p.GetValue(format)!, $"{rows.Count} connection(s)", BirthRecordQuery.Columns, rows, TableColumns, gaps);
        });
        return cmd;
    }
}
