using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using N3ttrace.Trail.Export;

namespace N3ttrace.Trail.Fleet;

/// <summary>
/// Rows waiting to be inserted, as JSONEachRow per table. Each row is the trail's record written through
/// <see cref="FlatRecordJson.WriteField"/> (the one JSON model) plus host, boot_id, day, time and ts_us.
/// </summary>
public sealed class FleetBatch(FleetHost host)
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly HashSet<string> ConnectionFields = new(FleetSchema.ConnectionFields, StringComparer.Ordinal);
    private static readonly HashSet<string> ProcessFields = new(FleetSchema.Tables.First(t => t.Name == FleetSchema.Processes).Columns.Select(c => c.Name), StringComparer.Ordinal);
    private static readonly HashSet<string> VerdictFields = new([.. TimelineColumns.Names, "chain_seq"], StringComparer.Ordinal);

    private readonly Dictionary<string, (MemoryStream Buffer, int Rows)> _tables = new(StringComparer.Ordinal);
    private readonly HashSet<string> _processes = new(StringComparer.Ordinal);

    public int Rows { get; private set; }
    public long Bytes => _tables.Values.Sum(t => t.Buffer.Length);

    /// <summary>A birth record (joined: the full certificate) as a connection row, and its process once per batch.</summary>
    public void Birth(TrailRow r)
    {
        var ts = Timestamp(r["ts"]);
        Add(FleetSchema.Connections, ts, w =>
        {
            Fields(w, r, ConnectionFields);
            w.WriteString("event", TimelineColumns.Birth);
        });
        if (r["process_id"] is { Length: > 0 } pid && _processes.Add(pid))
        {
            Add(FleetSchema.Processes, ts, w => Fields(w, r, ProcessFields));
        }
    }

    /// <summary>A timeline row: death and fail end a connection, level is a verdict change.</summary>
    public void Timeline(TrailRow r)
    {
        var ts = Timestamp(r["ts"]);
        var table = r["event"] == TimelineColumns.Level ? FleetSchema.VerdictChanges : FleetSchema.Connections;
        Add(table, ts, w => Fields(w, r, table == FleetSchema.VerdictChanges ? VerdictFields : ConnectionFields));
    }

    public void Gap(string file, long seq, string chainEvent, GapRecord g, DateTime ts) =>
        Add(FleetSchema.Gaps, ts, w =>
        {
            w.WriteString("file", file);
            w.WriteString("cause", g.Cause);
            if (g.Records is { } n)
            {
                w.WriteNumber("records", n);
            }
            else
            {
                w.WriteNull("records");
            }
            w.WriteNumber("from_us", Micros(g.From));
            w.WriteNumber("to_us", Micros(g.To));
            w.WriteNumber("chain_seq", seq);
            w.WriteString("chain_event", chainEvent);
        });

    public void Head(string file, long seq, string head, string chainEvent, DateTime ts) =>
        Add(FleetSchema.ChainHeads, ts, w =>
        {
            w.WriteString("file", file);
            w.WriteNumber("chain_seq", seq);
            w.WriteString("chain_head", head);
            w.WriteString("chain_event", chainEvent);
        });

    /// <summary>The tables with rows, each as its JSONEachRow body.</summary>
    public IEnumerable<(string Table, ReadOnlyMemory<byte> Body, int Rows)> Tables() =>
        _tables.Select(kv => (kv.Key, (ReadOnlyMemory<byte>)kv.Value.Buffer.GetBuffer().AsMemory(0, (int)kv.Value.Buffer.Length), kv.Value.Rows));

    public void Clear()
    {
        _tables.Clear();
        _processes.Clear();
        Rows = 0;
    }

    public static DateTime Timestamp(string ts) => N3ttrace.Time.Timestamp.ParseRecord(ts);

    public static long Micros(DateTime t) => (t - DateTime.UnixEpoch).Ticks / 10;

    private static void Fields(Utf8JsonWriter w, TrailRow r, HashSet<string> wanted)
    {
        foreach (var (name, value) in r.Columns())
        {
            if (wanted.Contains(name))
            {
                FlatRecordJson.WriteField(w, name, value);
            }
        }
    }

    private void Add(string table, DateTime ts, Action<Utf8JsonWriter> body)
    {
        if (!_tables.TryGetValue(table, out var t))
        {
            t = (new MemoryStream(1 << 16), 0);
        }
        using (var w = new Utf8JsonWriter(t.Buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("host", host.Name);
            w.WriteString("boot_id", host.BootOf(ts));
            w.WriteString("day", ts.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("time", ts.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            w.WriteNumber("ts_us", Micros(ts));
            body(w);
            w.WriteEndObject();
        }
        t.Buffer.WriteByte((byte)'\n');
        _tables[table] = (t.Buffer, t.Rows + 1);
        Rows++;
    }
}
