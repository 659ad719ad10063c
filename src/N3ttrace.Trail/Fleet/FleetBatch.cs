using System.Globalization;
using System.Text;

namespace N3ttrace.Trail.Fleet;

/// <summary>
/// Rows waiting to be inserted, per table, as ClickHouse TabSeparated in the table's column order
/// (<see cref="FleetRowPlan"/>). The values are the trail's record model (the fields of FlatRecordJson: text in the
/// trail's escaped form, numbers as numbers or null, reasons and their ATT&amp;CK ids as arrays) plus host, boot_id,
/// day, time and ts_us. TabSeparated, not JSONEachRow: 18.16 parses it about 3x faster and the body is 2.5x smaller
/// (docs/fleet.md, "Throughput"); nothing is lost because a trail value never holds a raw tab or newline.
/// </summary>
public sealed class FleetBatch(FleetHost host)
{
    private readonly Dictionary<string, (MemoryStream Buffer, int Rows)> _tables = new(StringComparer.Ordinal);
    private readonly HashSet<string> _processes = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Table, IReadOnlyDictionary<string, int> Header), FleetRowPlan> _plans = [];
    private readonly FleetRowWriter _writer = new();
    private long _second = long.MinValue;
    private byte[] _day = [], _time = [];

    public int Rows { get; private set; }
    public long Bytes => _tables.Values.Sum(t => t.Buffer.Length);

    /// <summary>A birth record (joined: the full certificate) as a connection row, and its process once per batch.</summary>
    public void Birth(TrailRow r)
    {
        var ts = Timestamp(r["ts"]);
        Add(FleetSchema.Connections, ts, r, TimelineColumns.Birth);
        if (r["process_id"] is { Length: > 0 } pid && _processes.Add(pid))
        {
            Add(FleetSchema.Processes, ts, r, null);
        }
    }

    /// <summary>A timeline row: death and fail end a connection, level is a verdict change.</summary>
    public void Timeline(TrailRow r)
    {
        var ts = Timestamp(r["ts"]);
        Add(r["event"] == TimelineColumns.Level ? FleetSchema.VerdictChanges : FleetSchema.Connections, ts, r, null);
    }

    public void Gap(string file, long seq, string chainEvent, GapRecord g, DateTime ts) =>
        AddValues(FleetSchema.Gaps, ts, w =>
        {
            w.Text(file);
            w.Text(g.Cause);
            w.Number(g.Records);
            w.Number(Micros(g.From));
            w.Number(Micros(g.To));
            w.Number(seq);
            w.Text(chainEvent);
        });

    public void Head(string file, long seq, string head, string chainEvent, DateTime ts) =>
        AddValues(FleetSchema.ChainHeads, ts, w =>
        {
            w.Text(file);
            w.Number(seq);
            w.Text(head);
            w.Text(chainEvent);
        });

    /// <summary>The tables with rows: the column list the body is in, and the TabSeparated body.</summary>
    public IEnumerable<(string Table, string Columns, ReadOnlyMemory<byte> Body, int Rows)> Tables() =>
        _tables.Select(kv => (kv.Key, FleetRowPlan.ColumnList(kv.Key),
            (ReadOnlyMemory<byte>)kv.Value.Buffer.GetBuffer().AsMemory(0, (int)kv.Value.Buffer.Length), kv.Value.Rows));

    public void Clear()
    {
        _tables.Clear();
        _processes.Clear();
        Rows = 0;
    }

    public static DateTime Timestamp(string ts) => N3ttrace.Time.Timestamp.ParseRecord(ts);

    public static long Micros(DateTime t) => (t - DateTime.UnixEpoch).Ticks / 10;

    private void Add(string table, DateTime ts, TrailRow r, string? eventValue)
    {
        var key = (table, r.Header);
        if (!_plans.TryGetValue(key, out var plan))
        {
            // One plan per file header: a trail's readers hand out one header object per file.
            plan = _plans[key] = FleetRowPlan.For(table, r.Header);
        }
        AddValues(table, ts, w => plan.Write(w, r, eventValue));
    }

    private void AddValues(string table, DateTime ts, Action<FleetRowWriter> record)
    {
        if (!_tables.TryGetValue(table, out var t))
        {
            t = (new MemoryStream(1 << 16), 0);
        }
        _writer.Begin(t.Buffer);
        Placement(ts);
        record(_writer);
        _writer.End();
        _tables[table] = (t.Buffer, t.Rows + 1);
        Rows++;
    }

    private void Placement(DateTime ts)
    {
        var second = ts.Ticks / TimeSpan.TicksPerSecond;
        if (second != _second)
        {
            // Rows come in time order: the day and second texts change rarely.
            _second = second;
            _day = Encoding.ASCII.GetBytes(ts.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            _time = Encoding.ASCII.GetBytes(ts.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        }
        _writer.Text(host.Name);
        _writer.Text(host.BootOf(ts));
        _writer.Raw(_day);
        _writer.Raw(_time);
        _writer.Number(Micros(ts));
    }
}
