using System.CommandLine;
using N3ttrace.Inference;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

/// <summary>`n3ttrace explain CONN_ID`: every rule's contribution to one connection's verdicts, from the trail.</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var connId = new Argument<string>("CONN_ID") { Description = "The connection's conn_id (16 hex digits) from birth_records.tsv, query or the live table." };
        var stateDir = CommonOptions.StateDir();
        var rules = RulesOption.Create();
        var cmd = new Command("explain",
            "Show why a connection got its purpose and level: each rule's points and reason at birth and at every later change, as the running engine recorded them in the trail.")
        {
            connId, stateDir, rules,
        };
        cmd.SetAction(p => Run(p.GetValue(connId)!, p.GetValue(stateDir)!, p.GetValue(rules)));
        return cmd;
    }

    private static int Run(string connId, string stateDir, string? rulesPath)
    {
        if (connId.Length != 16 || !connId.All(char.IsAsciiHexDigitLower))
        {
            Console.Error.WriteLine($"n3ttrace: '{Text.TextEscaper.Escape(connId)}' is not a conn_id (16 lower-case hex digits)");
            return ExitCodes.Usage;
        }
        if (RulesOption.Load(rulesPath) is not { } config)
        {
            return ExitCodes.Usage;
        }
        try
        {
            var dir = StateDirectory.Open(stateDir, create: false);
            var births = TrailRows.ForConnection(dir, StateDirectory.BirthRecordsFile, connId);
            if (births.Count == 0)
            {
                Console.Error.WriteLine($"n3ttrace: no connection {connId} in {dir.FilePath(StateDirectory.BirthRecordsFile)}");
                return ExitCodes.Failure;
            }
            var changes = TrailRows.ForConnection(dir, StateDirectory.TimelineFile, connId).Where(r => r.GetValueOrDefault("event") == TimelineColumns.Level).ToList();
            Console.Write(Explanation.Format(births[0], changes, config));
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is StateDirectoryException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
