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
        var filters = new QueryFilterOptions();
        var format = RecordOutput.FormatOption();
        var output = RecordOutput.OutputOption();
        var stateDir = CommonOptions.StateDir();
        var cmd = new Command("query",
            "Search birth records. tsv output has the birth record's columns (verdict columns updated to the latest level change) plus end, end_ts, lifetime_s and verdict_from.");
        foreach (var o in filters.All.Append(format).Append(output).Append(stateDir))
        {
            cmd.Options.Add(o);
        }
        cmd.SetAction(p =>
        {
            var now = DateTime.UtcNow;
            QueryFilter q;
            try
            {
                q = filters.Read(p, now);
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
