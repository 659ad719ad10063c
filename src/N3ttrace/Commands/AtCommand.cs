using System.CommandLine;
using System.Globalization;
using N3ttrace.Time;
using N3ttrace.Trail.TimeTravel;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

/// <summary>`n3ttrace at TIME` / `at --between T1 T2`: the connections alive then, from the timeline.</summary>
internal static class AtCommand
{
    public static readonly string[] Columns =
        ["conn_id", "pid", "comm", "ancestry_id", "remote_masked", "remote_hash", "rport", "birth_ts", "death_ts", "age_s", "level", "score", "purpose", "direction"];

    private static readonly string[] TableColumns = ["conn_id", "direction", "pid", "comm", "ancestry_id", "remote_masked", "rport", "birth_ts", "age_s", "level"];

    public static Command Create()
    {
        var time = new Argument<string?>("TIME")
        {
            Description = "The instant. " + TimeExpression.Help,
            Arity = ArgumentArity.ZeroOrOne,
        };
        var between = new Option<string[]?>("--between")
        {
            Description = "Instead of one instant: everything alive at some moment of [T1, T2), as --since T1 --until T2 (two TIME values; T1 T1 is the instant T1).",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var (since, until) = WindowOptions.Create("Instead of one instant: everything alive at some moment of [--since, --until)");
        var format = RecordOutput.FormatOption();
        var output = RecordOutput.OutputOption();
        var stateDir = CommonOptions.StateDir();
        var cmd = new Command("at", "Network time travel: which connections were alive at TIME (or during an interval), from the timeline.")
        {
            time, between, since, until, format, output, stateDir,
        };
        cmd.SetAction(p =>
        {
            var window = p.GetValue(between);
            if (p.GetValue(since) is { } s)
            {
                if (window is not null)
                {
                    Console.Error.WriteLine("n3ttrace: give --between T1 T2 or --since/--until, not both");
                    return ExitCodes.Usage;
                }
                window = [s, p.GetValue(until) ?? "now"];
            }
            else if (p.GetValue(until) is not null)
            {
                Console.Error.WriteLine("n3ttrace: --until needs --since");
                return ExitCodes.Usage;
            }
            return Run(p.GetValue(time), window, p.GetValue(format)!, p.GetValue(output), p.GetValue(stateDir)!);
        });
        return cmd;
    }

    private static int Run(string? time, string[]? between, string format, string? output, string stateDir)
    {
        var now = DateTime.UtcNow;
        DateTime t1, t2;
        try
        {
            if (between is { Length: 2 })
            {
                if (time is not null)
                {
                    Console.Error.WriteLine("n3ttrace: give either TIME or --between T1 T2, not both");
                    return ExitCodes.Usage;
                }
                t1 = TimeExpression.Parse(between[0], now);
                t2 = TimeExpression.Parse(between[1], now);
                if (t2 < t1)
                {
                    Console.Error.WriteLine("n3ttrace: --between T1 T2 needs T1 <= T2");
                    return ExitCodes.Usage;
                }
            }
            else if (time is not null)
            {
                t1 = t2 = TimeExpression.Parse(time, now);
            }
            else
            {
                Console.Error.WriteLine("n3ttrace: at needs TIME or --between T1 T2. " + TimeExpression.Help);
                return ExitCodes.Usage;
            }
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Usage;
        }
        AtResult r;
        try
        {
            var dir = StateDirectory.Open(stateDir, create: false);
            r = TimeMachine.Between(dir.FilePath(StateDirectory.TimelineFile), t1, t2);
        }
        catch (Exception e) when (e is StateDirectoryException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Failure;
        }
        var rows = r.Connections.Select(c =>
        {
            var end = c.Death is { } d && d < t2 ? d : t2;
            return new[]
            {
                c.ConnId, c.Pid.ToString(CultureInfo.InvariantCulture), c.Comm, c.AncestryId, c.RemoteMasked, c.RemoteHash,
                c.RemotePort.ToString(CultureInfo.InvariantCulture), Timestamp.ToRecord(c.Birth), c.Death is { } x ? Timestamp.ToRecord(x) : "",
                Math.Max(0, (end - c.Birth).TotalSeconds).ToString("0.000", CultureInfo.InvariantCulture), c.Level, c.Score, c.Purpose,
                c.Direction,
            };
        }).ToList();
        var when = t1 == t2 ? $"at {Timestamp.ToRecord(t1)} ({t1.ToLocalTime():yyyy-MM-dd HH:mm:ss} local)" : $"during [{Timestamp.ToRecord(t1)}, {Timestamp.ToRecord(t2)})";
        var summary = $"{rows.Count} connection(s) alive {when}{(r.TracerRunning || rows.Count > 0 ? "" : " (the tracer was not running then, or the trail does not reach back that far)")}";
        return RecordOutput.WriteTo(output, format, summary, Columns, rows, TableColumns, r.Gaps);
    }
}
