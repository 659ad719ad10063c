using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using N3ttrace.Connections;
using N3ttrace.Time;

namespace N3ttrace.Trail.Export;

/// <summary>
/// One timeline event (with its birth record) as an OCSF 1.4.0 Network Activity event (class 4001), profile
/// host (actor, device) and, when a reason names an ATT&CK technique, security_control (attacks). Every event
/// is validated against the 1.4.0 schema in the tests. The destination is only the keyed hash (dst_endpoint.uid),
/// the port and the scope class (zone); the mask, like n3ttrace's own verdict and identity fields (ancestry
/// included: OCSF's lineage means executable paths, which the trail does not hold for ancestors), goes under
/// `unmapped`, named and typed as in every other JSON output.
/// </summary>
public static partial class OcsfNetworkActivity
{
    public const string SchemaVersion = "1.4.0";
    public const int ClassUid = 4001;
    public const int CategoryUid = 4;

    /// <summary>OCSF activity_id for a timeline event: birth Open, death Close, fail Fail, level change Other.</summary>
    public static (int Id, string Name) Activity(string evt) => evt switch
    {
        TimelineColumns.Birth => (1, "Open"),
        TimelineColumns.Death => (2, "Close"),
        TimelineColumns.Fail => (4, "Fail"),
        _ => (99, "Other"),
    };

    /// <summary>NORMAL is Informational, ANOMALY Medium, THREAT High.</summary>
    public static (int Id, string Name) Severity(string level) => level switch
    {
        Verdict.Threat => (4, "High"),
        Verdict.Anomaly => (3, "Medium"),
        Verdict.Normal => (1, "Informational"),
        _ => (0, "Unknown"),
    };

    /// <param name="bootUtc">Wall-clock start of the current boot; process created_time is given only for
    /// events after it (start ticks count from the boot the record was written in).</param>
    /// <param name="host">The host for `device` (hostname, machine id, OS, boot time; boot id under unmapped); null leaves it out.</param>
    public static void Write(Utf8JsonWriter w, TrailRow evt, TrailRow? birth, string productVersion, DateTime? bootUtc, HostFacts? host = null)
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
        w.WriteNumber("status_id", evt["event"] == TimelineColumns.Fail ? 2 : 1);
        w.WriteString("status", evt["event"] == TimelineColumns.Fail ? "Failure" : "Success");
        if (birthTs is { } bt)
        {
            w.WriteNumber("start_time", Ms(bt));
        }
        if (evt["event"] is TimelineColumns.Death or TimelineColumns.Fail)
        {
            w.WriteNumber("end_time", Ms(ts));
        }
        if (double.TryParse(evt["duration_s"], NumberStyles.Float, CultureInfo.InvariantCulture, out var life))
        {
            w.WriteNumber("duration", (long)Math.Round(life * 1000));
        }

        w.WriteString("message", Message(evt));
        var techniques = Techniques(evt["reasons"]);
        if (techniques.Count > 0)
        {
            WriteAttacks(w, evt["reasons"]);
        }

        w.WriteStartObject("metadata");
        w.WriteString("version", SchemaVersion);
        w.WriteStartArray("profiles");
        w.WriteStringValue("host");
        if (ContainerRef.FromText(b?.Get(BirthRecordColumns.Container)) is not null)
        {
            w.WriteStringValue("container");
        }
        if (techniques.Count > 0)
        {
            w.WriteStringValue("security_control");
        }
        w.WriteEndArray();
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
        WriteInt(w, "port", evt["rport"]);
        if (b is not null)
        {
            w.WriteString("zone", b["remote_scope"]);
        }
        w.WriteEndObject();

        w.WriteStartObject("connection_info");
        w.WriteString("uid", evt["conn_id"]);
        var protocol = FlowProtocols.Parse(b?[BirthRecordColumns.Proto]) ?? FlowProtocol.Tcp;
        w.WriteString("protocol_name", FlowProtocols.Name(protocol));
        w.WriteNumber("protocol_num", FlowProtocols.Number(protocol));
        var direction = FlowDirections.Parse(b?[BirthRecordColumns.Direction]) ?? FlowDirection.Outbound;
        w.WriteNumber("direction_id", FlowDirections.OcsfId(direction));
        w.WriteString("direction", FlowDirections.OcsfName(direction));
        if (b is not null)
        {
            w.WriteNumber("protocol_ver_id", b["family"] == "ipv6" ? 6 : 4);
            var (boundaryId, boundary) = Boundary(b["remote_scope"]);
            w.WriteNumber("boundary_id", boundaryId);
            w.WriteString("boundary", boundary);
        }
        w.WriteEndObject();

        // Byte counts the kernel took at close (death and failure rows of a format-2 trail).
        if (ulong.TryParse(evt[TimelineColumns.BytesSent], NumberStyles.None, CultureInfo.InvariantCulture, out var sent)
            && ulong.TryParse(evt[TimelineColumns.BytesReceived], NumberStyles.None, CultureInfo.InvariantCulture, out var received))
        {
            w.WriteStartObject("traffic");
            w.WriteNumber("bytes_out", sent);
            w.WriteNumber("bytes_in", received);
            w.WriteNumber("bytes", sent + received);
            w.WriteEndObject();
        }

        WriteActor(w, evt, b, ts, bootUtc);
        if (host is not null)
        {
            WriteDevice(w, host);
        }
        WriteUnmapped(w, evt, b, host);
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
            if (ContainerRef.FromText(b.Get(BirthRecordColumns.Container)) is { } container)
            {
                // The container profile: what the cgroup path names (no image or name: those need the runtime's API).
                w.WriteStartObject("container");
                w.WriteString("uid", container.Id);
                w.WriteString("runtime", container.Runtime);
                if (container.PodUid.Length > 0)
                {
                    w.WriteString("pod_uuid", container.PodUid);
                    w.WriteString("orchestrator", "Kubernetes");
                }
                w.WriteEndObject();
            }
            // OCSF wants a name or uid for a process: with the parent unknown to the trail there is none to give.
            if (chain.Count > 1 && chain[1].Pid is not null)
            {
                w.WriteStartObject("parent_process");
                WriteInt(w, "pid", b["ppid"]);
                w.WriteString("name", chain[1].Name);
                if (sameBoot && chain[1].StartTicks is { } pt)
                {
                    w.WriteNumber("created_time", Ms(bootUtc!.Value.AddTicks((long)pt * 100_000)));
                }
                w.WriteEndObject();
            }
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

    /// <summary>n3ttrace's own fields, named and typed exactly as in jsonl, query and syslog (<see cref="FlatRecordJson"/>).</summary>
    private static void WriteDevice(Utf8JsonWriter w, HostFacts host)
    {
        w.WriteStartObject("device");
        w.WriteString("hostname", host.HostName);
        if (host.MachineId.Length > 0)
        {
            w.WriteString("uid", host.MachineId);
        }
        w.WriteNumber("type_id", 0);
        w.WriteString("type", "Unknown");
        w.WriteNumber("boot_time", Ms(host.BootUtc));
        w.WriteStartObject("os");
        w.WriteString("name", "Linux");
        w.WriteNumber("type_id", 200);
        w.WriteString("type", "Linux");
        w.WriteString("kernel_release", host.Kernel);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>One sentence for people: "curl (pid 42) connection to 203.0.113.0/24:443 closed after 1.500000 s: ANOMALY, web".</summary>
    private static string Message(TrailRow e)
    {
        var what = e["event"] switch
        {
            TimelineColumns.Birth => "opened a connection to",
            TimelineColumns.Death => "closed its connection to",
            TimelineColumns.Fail => "failed to connect to",
            _ => "changed level on its connection to",
        };
        var after = e["event"] is TimelineColumns.Death or TimelineColumns.Fail && e["duration_s"].Length > 0 ? $" after {e["duration_s"]} s" : "";
        return $"{e["comm"]} (pid {e["pid"]}) {what} {e["remote_masked"]}:{e["rport"]}{after}: {e["level"]}, {e["purpose"]}";
    }

    /// <summary>ATT&amp;CK technique ids the reasons carry ("[T1059.004]"), in order, once each: one parser, the rules' own.</summary>
    public static IReadOnlyList<string> Techniques(string reasons) => Inference.RecordedReason.Techniques(reasons);

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

    private static void WriteUnmapped(Utf8JsonWriter w, TrailRow evt, TrailRow? b, HostFacts? host)
    {
        w.WriteStartObject("unmapped");
        if (host is not null)
        {
            w.WriteString("boot_id", host.BootId);
        }
        foreach (var name in (string[])["event", "ts", "conn_id", "ancestry_id", "purpose", "level", "score", "reasons", "remote_masked", "remote_hash", "duration_s"])
        {
            FlatRecordJson.WriteField(w, name, evt[name]);
        }
        if (b is not null)
        {
            foreach (var name in (string[])["process_id", "ancestry", "remote_scope", "birth", "resolution_ms", "env_sha256", "gid", "loginuid", "session", "tty", "cgroup", BirthRecordColumns.Container, BirthRecordColumns.Netns, "parent", "truncated", "facts", "source"])
            {
                if (b.Get(name) is { } v)
                {
                    FlatRecordJson.WriteField(w, name, v);
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
