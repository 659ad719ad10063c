using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using N3ttrace.Connections;
using N3ttrace.Trail.Export;
using N3ttrace.Text;
using N3ttrace.Time;
using N3ttrace.Trail.TimeTravel;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

/// <summary>
/// `n3ttrace tail`: the trail's events as they are written, one compact line each (or one JSON / OCSF object per
/// line), filtered by level, comm and port. Follows snapshots.tsv like `tail -f`; birth records are read alongside
/// so json and ocsf lines carry the whole certificate. Trail events (start, stop, recovery, write failures) are
/// shown too: a gap is never silent.
/// </summary>
internal static class TailCommand
{
    private const int MaxBirthsHeld = 200_000;
    private static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var level = new Option<string?>("--level") { Description = "Only events at this level or above: NORMAL, ANOMALY or THREAT.", HelpName = "LEVEL" };
        level.AcceptOnlyFromAmong([.. Verdict.LevelNames, .. Verdict.LevelNames.Select(n => n.ToLowerInvariant())]);
        var comm = new Option<string?>("--comm") { Description = "Only processes whose comm matches: exact, or a glob with '*'." };
        var port = Numbers.OptionalInteger<int>("--port", "Only connections to this remote port.", 1, 65535);
        var format = new Option<string>("--format")
        {
            Description = "text: one compact line per event; json: the record as `export --format jsonl` writes it, without the chain columns; ocsf: OCSF Network Activity.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json", "ocsf");
        var since = new Option<string?>("--since") { Description = "Start with the events from TIME on (default: only new ones). " + TimeExpression.Help };
        var noFollow = new Option<bool>("--no-follow") { Description = "Stop at the end of the trail instead of waiting for new events." };
        var stateDir = CommonOptions.StateDir();
        var cmd = new Command("tail", "Stream the trail's events as they happen, one line each (like tail -f): births, failures, deaths, level changes, trail events.")
        {
            level, comm, port, format, since, noFollow, stateDir,
        };
        cmd.SetAction((p, ct) => Task.FromResult(Run(p.GetValue(level), p.GetValue(comm), p.GetValue(port), p.GetValue(format)!, p.GetValue(since),
            p.GetValue(noFollow), p.GetValue(stateDir)!, ct)));
        return cmd;
    }

    private static int Run(string? levelText, string? comm, int? port, string format, string? sinceText, bool noFollow, string stateDir, CancellationToken ct)
    {
        DateTime? since = null;
        if (sinceText is not null)
        {
            try
            {
                since = TimeExpression.Parse(sinceText, DateTime.UtcNow);
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"n3ttrace: {e.Message}");
                return ExitCodes.Usage;
            }
        }
        var filter = new Live.LiveFilter(levelText is null ? RiskLevel.Normal : Enum.Parse<RiskLevel>(levelText, ignoreCase: true), comm, port);
        StateDirectory dir;
        LineFollower timeline, births;
        try
        {
            dir = StateDirectory.Open(stateDir, create: false);
            timeline = new LineFollower(TrailReader.OpenShared(dir.FilePath(StateDirectory.TimelineFile)));
            births = new LineFollower(TrailReader.OpenShared(dir.FilePath(StateDirectory.BirthRecordsFile)));
        }
        catch (Exception e) when (e is StateDirectoryException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Failure;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using (timeline)
        using (births)
        {
            var timelineHeader = Header(timeline);
            var birthHeader = Header(births);
            if (timelineHeader is null || birthHeader is null)
            {
                Console.Error.WriteLine($"n3ttrace: the trail in {dir.Path} has no header yet");
                return ExitCodes.Failure;
            }
            if (since is null)
            {
                timeline.SeekToEnd();
                births.SeekToEnd();
            }
            var birthRows = new Dictionary<string, TrailRow>(StringComparer.Ordinal);
            // Format 2: rows are joined to their process certificates and reasons, re-read whenever those files grew.
            var joins = new FollowedJoin(dir, birthHeader, timelineHeader);
            // Format 3: births and failed connects are in the birth records only; merged back into the timeline here.
            var merge = TimelineMerge.Applies(timelineHeader) ? new TimelineMerge(timelineHeader, birthHeader, [], TrailDictionary.Empty) : null;
            var version = ExportCommand.ProductVersion;
            var bootUtc = new BootClock().ToUtc(0);
            var host = HostFacts.Read(bootUtc);
            var output = Console.OpenStandardOutput();
            var sinceRecord = since is { } s ? Timestamp.ToRecord(s) : null;
            while (!stop.IsCancellationRequested)
            {
                var birthLines = births.ReadAvailable();
                var lines = timeline.ReadAvailable();
                joins.Refresh();
                foreach (var line in birthLines)
                {
                    var row = joins.Birth(line);
                    if (row["chain_event"].Length == 0 && birthRows.Count < MaxBirthsHeld)
                    {
                        birthRows[row["conn_id"]] = row;
                    }
                }
                foreach (var line in TimelineLines(merge, joins, birthLines, lines))
                {
                    var evt = joins.Timeline(line);
                    if (sinceRecord is not null && string.CompareOrdinal(evt["ts"], sinceRecord) < 0)
                    {
                        continue;
                    }
                    var kind = evt["event"];
                    var birth = birthRows.GetValueOrDefault(evt["conn_id"]);
                    if (kind is TimelineColumns.Death or TimelineColumns.Fail)
                    {
                        birthRows.Remove(evt["conn_id"]);
                    }
                    if (evt["chain_event"] is { Length: > 0 } chain)
                    {
                        if (format != "ocsf" && filter == Live.LiveFilter.All)
                        {
                            Write(output, format == "json" ? ChainJson(evt) : $"{Safe(evt["ts"])} trail {Safe(chain)}\n");
                        }
                        continue;
                    }
                    if (kind is not (TimelineColumns.Birth or TimelineColumns.Fail or TimelineColumns.Death or TimelineColumns.Level)
                        || !filter.Matches(ParseLevel(evt["level"]), evt["comm"], int.TryParse(evt["rport"], out var rp) ? rp : 0))
                    {
                        continue;
                    }
                    Write(output, format switch
                    {
                        "json" => JsonLine(w => FlatRecordJson.Write(w, evt.Columns().Where(c => !ChainColumns.IsChainColumn(c.Name)), birth?.Columns().Where(c => !ChainColumns.IsChainColumn(c.Name)))),
                        "ocsf" => JsonLine(w => OcsfNetworkActivity.Write(w, evt, birth, version, bootUtc, host)),
                        _ => Text(evt),
                    });
                }
                if (lines.Count == 0)
                {
                    if (noFollow)
                    {
                        break;
                    }
                    stop.Token.WaitHandle.WaitOne(200);
                }
            }
            if (timeline.DroppedLines + births.DroppedLines > 0)
            {
                Console.Error.WriteLine($"n3ttrace: {timeline.DroppedLines + births.DroppedLines} overlong trail line(s) skipped");
            }
        }
        return ExitCodes.Ok;
    }

    /// <summary>The timeline lines of one poll; in format 3 with the birth and fail rows the birth records hold.</summary>
    private static List<string> TimelineLines(TimelineMerge? merge, FollowedJoin joins, IReadOnlyList<string> birthLines, IReadOnlyList<string> lines)
    {
        if (merge is null)
        {
            return [.. lines];
        }
        merge.Dictionary = joins.Dictionary;
        foreach (var b in birthLines)
        {
            merge.Push(b.Split('\t'));
        }
        var merged = new List<string>();
        foreach (var line in lines)
        {
            var f = line.Split('\t');
            merged.AddRange(f.Length == merge.Columns ? merge.Before(f).Select(m => string.Join('\t', m)) : [line]);
        }
        merged.AddRange(merge.Rest().Select(m => string.Join('\t', m)));
        return merged;
    }

    /// <summary>TS EVENT LEVEL conn_id CONN pid PID COMM REMOTE:PORT PURPOSE [lifetime] -- reasons</summary>
    private static string Text(TrailRow e)
    {
        var sb = new StringBuilder();
        sb.Append(Safe(e["ts"])).Append(' ').Append(Safe(e["event"]).PadRight(5)).Append(' ').Append(Safe(e["level"]).PadRight(7))
            .Append(" conn_id ").Append(Safe(e["conn_id"])).Append(" pid ").Append(Safe(e["pid"])).Append(' ').Append(Safe(e["comm"]))
            .Append(' ').Append(Safe(e["remote_masked"])).Append(':').Append(Safe(e["rport"])).Append(' ').Append(Safe(e["purpose"]));
        if (e["event"] is TimelineColumns.Death or TimelineColumns.Fail && double.TryParse(e["duration_s"], System.Globalization.CultureInfo.InvariantCulture, out var d))
        {
            sb.Append(" after ").Append(Live.DurationText.Format(d));
        }
        if (e["reasons"].Length > 0)
        {
            sb.Append(" -- ").Append(Safe(e["reasons"]));
        }
        return sb.Append('\n').ToString();
    }

    private static string ChainJson(TrailRow e) => JsonLine(w =>
    {
        w.WriteStartObject();
        w.WriteString("ts", e["ts"]);
        w.WriteString("chain_event", e["chain_event"]);
        w.WriteEndObject();
    });

    private static string JsonLine(Action<Utf8JsonWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, Json))
        {
            write(w);
        }
        return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length) + "\n";
    }

    private static RiskLevel ParseLevel(string level) => level switch
    {
        Verdict.Threat => RiskLevel.Threat,
        Verdict.Anomaly => RiskLevel.Anomaly,
        _ => RiskLevel.Normal,
    };

    /// <summary>Trail text is stored escaped; a tampered file may still hold control bytes: never to the terminal.</summary>
    private static string Safe(string s) => s.Any(ch => ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0)) ? TextEscaper.Escape(s) : s;

    private static Dictionary<string, int>? Header(LineFollower f)
    {
        var first = f.ReadHeader();
        return first is null ? null : TsvRow.Header(first);
    }

    private static void Write(Stream output, string text)
    {
        output.Write(Encoding.UTF8.GetBytes(text));
        output.Flush();
    }
}
