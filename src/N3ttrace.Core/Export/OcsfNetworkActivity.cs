using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using N3ttrace.Time;

namespace N3ttrace.Export;

/// <summary>
/// One timeline event (with its birth record) as an OCSF 1.1 Network Activity event (class 4001).
/// The destination is only the mask and the keyed hash: dst_endpoint.uid is remote_hash, .name the
/// mask, .zone the scope class. n3ttrace's own verdict and identity fields go under `unmapped`.
/// </summary>
public static partial class OcsfNetworkActivity
{
    public const string SchemaVersion = "1.1.0";
    public const int ClassUid = 4001;
    public const int CategoryUid = 4;

    /// <summary>OCSF activity_id for a timeline event: birth Open, death Close, fail Fail, level change Other.</summary>
    public static (int Id, string Name) Activity(string evt) => evt switch
    {
        "birth" => (1, "Open"),
        "death" => (2, "Close"),
        "fail" => (4, "Fail"),
        _ => (99, "Other"),
    };

    /// <summary>NORMAL is Informational, ANOMALY Medium, THREAT High.</summary>
    public static (int Id, string Name) Severity(string level) => level switch
    {
        "THREAT" => (4, "High"),
        "ANOMALY" => (3, "Medium"),
        "NORMAL" => (1, "Informational"),
        _ => (0, "Unknown"),
    };

    /// <param name="bootUtc">Wall-clock start of the current boot; process created_time is given only for
    /// events after it (start ticks count from the boot the record was written in).</param>
    public static void Write(Utf8JsonWriter w, TrailRow evt, TrailRow? birth, string productVersion, DateTime? bootUtc)
    {
        var b = birth;
        var (activityId, activityName) = Activity(evt["event"]);
        var level = evt["level"];
        var (severityId, severityName) = Severity(level);
        var ts = Timestamp.ParseRecord(evt["ts"]);
        var birthTs = TryParse(evt["birth_ts"]) ?? TryParse(b?["ts"]);

        w.WriteStartObject();
        w.WriteNumber("activity_id", activityId);
        w.WriteString("activity_name", activityId == 99 ? "Risk level change" : activityName);
        w.WriteNumber("category_uid", CategoryUid);
        w.WriteString("category_name", "Network Activity");
        w.WriteNumber("class_uid", ClassUid);
        w.WriteString("class_name", "Network Activity");
        w.WriteNumber("type_uid", ClassUid * 100 + activityId);
        w.WriteString("type_name", $"Network Activity: {activityName}");
        w.WriteNumber("time", Ms(ts));
        w.WriteNumber("severity_id", severityId);
        w.WriteString("severity", severityName);
        w.WriteNumber("status_id", evt["event"] == "fail" ? 2 : 1);
        w.WriteString("status", evt["event"] == "fail" ? "Failure" : "Success");
        if (birthTs is { } bt)
        {
            w.WriteNumber("start_time", Ms(bt));
        }
        if (evt["event"] is "death" or "fail")
        {
            w.WriteNumber("end_time", Ms(ts));
        }
        if (double.TryParse(evt["duration_s"], NumberStyles.Float, CultureInfo.InvariantCulture, out var life))
        {
            w.WriteNumber("duration", (long)Math.Round(life * 1000));
        }

        WriteAttacks(w, evt["reasons"]);
        w.WriteStartObject("metadata");
        w.WriteString("version", SchemaVersion);
        w.WriteString("uid", $"{evt["conn_id"]}:{evt["event"]}:{evt["ts"]}");
        w.WriteString("correlation_uid", evt["conn_id"]);
        w.WriteString("original_time", evt["ts"]);
        w.WriteString("log_name", "snapshots.tsv");
        w.WriteStartObject("product");
        w.WriteString("name", "n3ttrace");
        w.WriteString("vendor_name", "n3ttrace");
        w.WriteString("version", productVersion);
        w.WriteEndObject();
        w.WriteEndObject();

        WriteSrc(w, b?["local"]);
        w.WriteStartObject("dst_endpoint");
        w.WriteString("uid", evt["remote_hash"]);
        w.WriteString("name", evt["remote_masked"]);
        WriteInt(w, "port", evt["rport"]);
        if (b is not null)
        {
            w.WriteString("zone", b["remote_scope"]);
        }
        w.WriteEndObject();

        w.WriteStartObject("connection_info");
        w.WriteString("uid", evt["conn_id"]);
        w.WriteString("protocol_name", "tcp");
        w.WriteNumber("protocol_num", 6);
        w.WriteNumber("direction_id", 2);
        w.WriteString("direction", "Outbound");
        if (b is not null)
        {
            w.WriteNumber("protocol_ver_id", b["family"] == "ipv6" ? 6 : 4);
            var (boundaryId, boundary) = Boundary(b["remote_scope"]);
            w.WriteNumber("boundary_id", boundaryId);
            w.WriteString("boundary", boundary);
        }
        w.WriteEndObject();

        WriteActor(w, evt, b, ts, bootUtc);
        WriteUnmapped(w, evt, b);
        w.WriteEndObject();
    }

    private static void WriteActor(Utf8JsonWriter w, TrailRow evt, TrailRow? b, DateTime ts, DateTime? bootUtc)
    {
        var chain = Ancestry(b?["ancestry"] ?? "");
        var sameBoot = bootUtc is { } boot && ts >= boot;
        w.WriteStartObject("actor");
        w.WriteStartObject("process");
        WriteInt(w, "pid", evt["pid"]);
        w.WriteString("name", evt["comm"]);
        if (b is not null)
        {
            w.WriteString("uid", b["process_id"]);
            w.WriteString("cmd_line", b["cmdline"]);
            w.WriteString("working_directory", b["cwd"]);
            if (sameBoot && chain.Count > 0 && chain[0].StartTicks is { } ticks)
            {
                w.WriteNumber("created_time", Ms(bootUtc!.Value.AddTicks((long)ticks * 100_000)));
            }
            w.WriteStartObject("file");
            w.WriteString("path", b["exe"]);
            w.WriteString("name", b["exe"][(b["exe"].LastIndexOf('/') + 1)..]);
            w.WriteNumber("type_id", 1);
            w.WriteString("type", "Regular File");
            w.WriteEndObject();
            w.WriteStartObject("user");
            w.WriteString("uid", b["uid"]);
            w.WriteEndObject();
            w.WriteStartObject("parent_process");
            WriteInt(w, "pid", b["ppid"]);
            if (chain.Count > 1 && chain[1].Pid is not null)
            {
                w.WriteString("name", chain[1].Name);
                if (sameBoot && chain[1].StartTicks is { } pt)
                {
                    w.WriteNumber("created_time", Ms(bootUtc!.Value.AddTicks((long)pt * 100_000)));
                }
            }
            w.WriteEndObject();
            // Ancestors nearest first, as the trail's ancestry column lists them.
            w.WriteStartArray("ancestry");
            foreach (var a in chain.Skip(1).Where(a => a.Pid is not null))
            {
                w.WriteStartObject();
                w.WriteNumber("pid", a.Pid!.Value);
                w.WriteString("name", a.Name);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("lineage");
            foreach (var a in chain)
            {
                w.WriteStringValue(a.Text);
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        if (b is not null)
        {
            w.WriteStartObject("user");
            w.WriteString("uid", b["uid"]);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>OCSF attacks: one entry per ATT&amp;CK technique the reasons cite.</summary>
    private static void WriteAttacks(Utf8JsonWriter w, string reasons)
    {
        w.WriteStartArray("attacks");
        foreach (var id in Inference.RecordedReason.Techniques(reasons))
        {
            var (name, tacticUid, tactic) = Inference.AttackTechniques.Describe(id);
            w.WriteStartObject();
            w.WriteStartObject("technique");
            w.WriteString("uid", id);
            if (name.Length > 0)
            {
                w.WriteString("name", name);
            }
            w.WriteEndObject();
            if (tacticUid.Length > 0)
            {
                w.WriteStartObject("tactic");
                w.WriteString("uid", tacticUid);
                w.WriteString("name", tactic);
                w.WriteEndObject();
            }
            w.WriteString("version", "v16");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteUnmapped(Utf8JsonWriter w, TrailRow evt, TrailRow? b)
    {
        w.WriteStartObject("unmapped");
        w.WriteString("event", evt["event"]);
        w.WriteString("ts", evt["ts"]);
        w.WriteString("conn_id", evt["conn_id"]);
        w.WriteString("ancestry_id", evt["ancestry_id"]);
        w.WriteString("purpose", evt["purpose"]);
        w.WriteString("level", evt["level"]);
        WriteInt(w, "score", evt["score"]);
        w.WriteStartArray("reasons");
        foreach (var r in evt["reasons"].Split("; ", StringSplitOptions.RemoveEmptyEntries))
        {
            w.WriteStringValue(r);
        }
        w.WriteEndArray();
        w.WriteString("remote_masked", evt["remote_masked"]);
        w.WriteString("remote_hash", evt["remote_hash"]);
        w.WriteString("duration_s", evt["duration_s"]);
        if (b is not null)
        {
            foreach (var name in (string[])["process_id", "ancestry", "remote_scope", "birth", "resolution_ms", "env_sha256", "gid", "loginuid", "session", "tty", "cgroup", "parent", "truncated", "facts", "source"])
            {
                if (b.Get(name) is { } v)
                {
                    w.WriteString(name, v);
                }
            }
        }
        w.WriteEndObject();
    }

    private static void WriteSrc(Utf8JsonWriter w, string? local)
    {
        if (string.IsNullOrEmpty(local))
        {
            return;
        }
        var colon = local.LastIndexOf(':');
        if (colon <= 0)
        {
            return;
        }
        w.WriteStartObject("src_endpoint");
        w.WriteString("ip", local[..colon].Trim('[', ']'));
        WriteInt(w, "port", local[(colon + 1)..]);
        w.WriteEndObject();
    }

    private static (int, string) Boundary(string scope) => scope switch
    {
        "loopback" => (1, "Localhost"),
        "private" or "link-local" => (2, "Internal"),
        "public" => (3, "External"),
        _ => (0, "Unknown"),
    };

    /// <summary>One element of the ancestry column: "pid:comm[start_ticks]", or "1" (init), "?" (unknown), "...".</summary>
    public sealed record AncestryEntry(string Text, int? Pid, string Name, ulong? StartTicks);

    public static IReadOnlyList<AncestryEntry> Ancestry(string column)
    {
        var list = new List<AncestryEntry>();
        if (column.Length == 0)
        {
            return list;
        }
        foreach (var part in column.Split(" <- "))
        {
            var m = Entry().Match(part);
            if (m.Success)
            {
                list.Add(new AncestryEntry(part, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value,
                    ulong.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)));
            }
            else if (part == "1")
            {
                list.Add(new AncestryEntry(part, 1, "init", null));
            }
            else
            {
                list.Add(new AncestryEntry(part, null, part, null));
            }
        }
        return list;
    }

    [GeneratedRegex(@"^(\d+):(.*)\[(\d+)\]$", RegexOptions.Singleline)]
    private static partial Regex Entry();

    private static void WriteInt(Utf8JsonWriter w, string name, string value)
    {
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            w.WriteNumber(name, n);
        }
    }

    private static DateTime? TryParse(string? record) =>
        record is { Length: > 0 } && DateTime.TryParseExact(record, Timestamp.Format, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private static long Ms(DateTime utc) => (utc - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;
}
