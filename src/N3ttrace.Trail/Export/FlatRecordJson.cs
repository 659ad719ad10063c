using System.Globalization;
using System.Text.Json;

namespace N3ttrace.Trail.Export;

/// <summary>
/// n3ttrace's own JSON shape: one flat object whose keys are the trail's column names. The event's
/// timeline columns come first (ts is the event time), then the birth record's columns it lacks.
/// Text stays in the trail's reversible escaped form; numeric columns become JSON numbers (null when empty),
/// reasons an array of strings. The one model of a record in JSON: `export --format jsonl`, the syslog forwarder,
/// `query`/`at --format json` and OCSF's `unmapped` all write their fields through <see cref="WriteField"/>.
/// </summary>
public static class FlatRecordJson
{
    private static readonly HashSet<string> Numeric = new(StringComparer.Ordinal)
    {
        "resolution_ms", "rport", "pid", "tid", "ppid", "uid", "gid", "loginuid", "session", "score", "duration_s", "lifetime_s", "age_s",
        TimelineColumns.BytesSent, TimelineColumns.BytesReceived, "chain_seq", BirthRecordColumns.Netns,
    };

    /// <summary>Columns written as a JSON number (null when empty).</summary>
    public static bool IsNumeric(string name) => Numeric.Contains(name);

    public static void Write(Utf8JsonWriter w, IEnumerable<(string Name, string Value)> timeline, IEnumerable<(string Name, string Value)>? birth)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        w.WriteStartObject();
        foreach (var (name, value) in timeline)
        {
            if (seen.Add(name))
            {
                WriteField(w, name, value);
            }
        }
        foreach (var (name, value) in birth ?? [])
        {
            if (name != "ts" && seen.Add(name))
            {
                WriteField(w, name, value);
            }
        }
        w.WriteEndObject();
    }

    /// <summary>One field by the shared model: numbers as numbers, reasons as an array, the rest as the stored text.</summary>
    public static void WriteField(Utf8JsonWriter w, string name, string value)
    {
        if (name == "reasons")
        {
            w.WriteStartArray(name);
            foreach (var r in value.Split("; ", StringSplitOptions.RemoveEmptyEntries))
            {
                w.WriteStringValue(r);
            }
            w.WriteEndArray();
            // The ATT&CK technique ids the reasons cite, for a SIEM that filters on them.
            w.WriteStartArray("attack_ids");
            foreach (var t in Inference.RecordedReason.Techniques(value))
            {
                w.WriteStringValue(t);
            }
            w.WriteEndArray();
        }
        else if (Numeric.Contains(name) && value.Length == 0)
        {
            w.WriteNull(name);
        }
        else if (Numeric.Contains(name) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            w.WriteNumber(name, l);
        }
        else if (Numeric.Contains(name) && double.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            w.WriteNumber(name, d);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
