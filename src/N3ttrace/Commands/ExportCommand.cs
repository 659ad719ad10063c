using System.CommandLine;
using System.Reflection;
using System.Security.Cryptography;
using N3ttrace.Trail.Export;
using N3ttrace.Time;
using N3ttrace.Trail.TimeTravel;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

internal sealed record ExportArguments(string StateDir, string Since, string Until, string Output, string Format, string? CaseId, string? Examiner, bool Force);

/// <summary>`n3ttrace export`: hand a window of the trail to incident response (bundle), or to a SIEM (jsonl, ocsf).</summary>
internal static class ExportCommand
{
    public static string ProductVersion =>
        typeof(ExportCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    public static Command Create()
    {
        var stateDir = CommonOptions.StateDir();
        var since = new Option<string>("--since")
        {
            Description = "Start of the window (inclusive). " + TimeExpression.Help,
            Required = true,
        };
        var until = new Option<string>("--until")
        {
            Description = "End of the window (exclusive), same forms.",
            DefaultValueFactory = _ => "now",
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "File to write (bundle: FILE.tar.gz). jsonl and ocsf also take '-' for stdout. Written to a temporary file and renamed, so it is complete or absent.",
            Required = true,
        };
        var format = new Option<string>("--format")
        {
            Description = "bundle: .tar.gz for incident response (records, checkpoints, manifest, SHA256SUMS, README), verifiable with `n3ttrace verify --bundle`. " +
                "jsonl: one flat JSON object per timeline event. ocsf: one OCSF 1.4.0 Network Activity (4001) event per line.",
            DefaultValueFactory = _ => "bundle",
        };
        format.AcceptOnlyFromAmong("bundle", "jsonl", "ocsf");
        var caseId = new Option<string?>("--case-id") { Description = "Case or ticket identifier, recorded in the bundle's manifest." };
        var examiner = new Option<string?>("--examiner") { Description = "Who made the export, recorded in the bundle's manifest." };
        var force = new Option<bool>("--force") { Description = "Replace --output if it exists." };
        var cmd = new Command("export", "Export the trail of a time window: a verifiable .tar.gz bundle for incident response, or JSON lines (n3ttrace or OCSF) for a SIEM. " +
            "Events are the timeline rows stamped in the window, each with its birth record.")
        {
            stateDir, since, until, output, format, caseId, examiner, force,
        };
        cmd.SetAction(p => Run(new ExportArguments(p.GetValue(stateDir)!, p.GetValue(since)!, p.GetValue(until)!, p.GetValue(output)!,
            p.GetValue(format)!, p.GetValue(caseId), p.GetValue(examiner), p.GetValue(force))));
        return cmd;
    }

    public static int Run(ExportArguments a)
    {
        var now = DateTime.UtcNow;
        // The same forms `at` accepts (TimeExpression), 'now' included.
        if (!TimeExpression.TryParse(a.Since, now, out var since) || !TimeExpression.TryParse(a.Until, now, out var until))
        {
            Console.Error.WriteLine($"n3ttrace: --since/--until: {TimeExpression.Error(TimeExpression.TryParse(a.Since, now, out _) ? a.Until : a.Since, now)}");
            return ExitCodes.Usage;
        }
        if (since >= until)
        {
            Console.Error.WriteLine($"n3ttrace: --since ({Timestamp.ToRecord(since)}) must be before --until ({Timestamp.ToRecord(until)})");
            return ExitCodes.Usage;
        }
        var format = Enum.Parse<ExportFormat>(a.Format, ignoreCase: true);
        if (a.Output == "-" && format == ExportFormat.Bundle)
        {
            Console.Error.WriteLine("n3ttrace: a bundle cannot go to stdout; give --output FILE.tar.gz");
            return ExitCodes.Usage;
        }
        var window = new TimeWindow(since, until);
        try
        {
            var dir = StateDirectory.Open(a.StateDir, create: false);
            using var bar = ProgressBar.ForStderr("reading trail");
            var bootUtc = new BootClock().ToUtc(0);
            if (format == ExportFormat.Bundle)
            {
                return WriteBundle(a, dir, window, now, bootUtc, bar);
            }
            var trail = TrailWindow.Read(dir, window, bar.Report);
            if (trail.IsEmpty)
            {
                bar.Dispose();
                var range = trail.TrailFirstTs is null ? "the trail has no timeline rows" : $"the trail runs from {trail.TrailFirstTs} to {trail.TrailLastTs}";
                Console.Error.WriteLine($"n3ttrace: no records between {window.SinceRecord} and {window.UntilRecord} ({range}); nothing written");
                return ExitCodes.Failure;
            }
            if (a.Output == "-")
            {
                using var stdout = Console.OpenStandardOutput();
                JsonLinesWriter.Write(stdout, trail, format, ProductVersion, bootUtc, host: HostFacts.Read(bootUtc));
                return ExitCodes.Ok;
            }
            using var file = AtomicOutputFile.Create(a.Output, a.Force);
            bar.Label = $"writing {a.Format}";
            var lines = JsonLinesWriter.Write(file.Stream, trail, format, ProductVersion, bootUtc, bar.Report, HostFacts.Read(bootUtc));
            Finish(file, bar, window, $"{lines} {a.Format} events", trail.MalformedRows, trail.UnresolvedRows);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is StateDirectoryException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Failure;
        }
    }
    /// <summary>The bundle: streamed from the window's segments through a temporary directory (bounded memory).</summary>
    private static int WriteBundle(ExportArguments a, StateDirectory dir, TimeWindow window, DateTime now, DateTime bootUtc, ProgressBar bar)
    {
        using var file = AtomicOutputFile.Create(a.Output, a.Force);
        var request = new BundleRequest(HostFacts.Read(bootUtc), ProductVersion, now, a.CaseId, a.Examiner);
        var r = BundleWriter.Write(dir, window, file.Stream, BundleLayout.RootName(a.Output), request, (done, total) =>
        {
            bar.Label = total > 0 ? "writing bundle" : "reading trail";
            bar.Report(done, total > 0 ? total : done);
        });
        var t = r.Extract;
        if (t.IsEmpty)
        {
            bar.Dispose();
            var range = t.FirstTs is null ? "the segments that would hold it have no timeline rows" : $"the segments that would hold it run from {t.FirstTs} to {t.LastTs}";
            Console.Error.WriteLine($"n3ttrace: no records between {window.SinceRecord} and {window.UntilRecord} ({range}); nothing written");
            return ExitCodes.Failure;
        }
        Finish(file, bar, window, $"{t.Births} birth records, {t.Timeline} timeline events, {r.ChainFiles.Count} chained trail files (chain proof {(r.ChainVerified ? "verified" : "FAILED, see verification.txt")})",
            t.MalformedRows, t.UnresolvedRows);
        return ExitCodes.Ok;
    }

    private static void Finish(AtomicOutputFile file, ProgressBar bar, TimeWindow window, string summary, long malformed, long unresolved)
    {
        file.Stream.Flush();
        file.Stream.Position = 0;
        var sha = Convert.ToHexStringLower(SHA256.HashData(file.Stream));
        file.Commit();
        bar.Dispose(); // erase the bar before the summary
        Console.WriteLine($"wrote {file.Path}: {summary}, window {window.SinceRecord} to {window.UntilRecord}");
        Console.WriteLine($"sha256 {sha}  (note it in the case file: `sha256sum` of the received file must match)");
        if (malformed > 0)
        {
            Console.Error.WriteLine($"n3ttrace: warning: {malformed} malformed trail rows were skipped (see verification.txt)");
        }
        if (unresolved > 0)
        {
            Console.Error.WriteLine($"n3ttrace: warning: {unresolved} trail rows name a process certificate or reasons text the trail does not hold; those fields are empty");
        }
    }
}
