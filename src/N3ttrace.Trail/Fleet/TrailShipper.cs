using System.Diagnostics;
using System.Globalization;

namespace N3ttrace.Trail.Fleet;

/// <summary>
/// Ships one trail to ClickHouse, the trail being the spool: each pass reads birth_records.tsv and snapshots.tsv through
/// <see cref="TrailReader"/> (births joined with their process certificate, the timeline merged), skips what the
/// cursor says was delivered, and sends the rest in batches (by rows or by age). The cursor moves only after
/// ClickHouse acknowledged a batch, so a failure or a restart sends the batch again (at-least-once; the tables'
/// keys remove the duplicates). Memory is bounded by one batch.
/// </summary>
public sealed class TrailShipper(StateDirectory dir, ClickHouseClient client, FleetHost host, int batchRows = 20_000, TimeSpan? batchAge = null)
{
    public const string BirthsFile = "birth_records";
    public const string TimelineFile = "snapshots";

    /// <summary>A failed connect has no stored timeline row of its own (format 3): its row is rebuilt from the birth
    /// record where the merge places it, so fails this close before the cursor's row are sent again, to be safe.</summary>
    private static readonly TimeSpan FailSlack = TimeSpan.FromSeconds(30);

    private readonly TimeSpan _batchAge = batchAge ?? TimeSpan.FromSeconds(1);
    private readonly FleetBatch _batch = new(host);
    private readonly string _key = client.Target.ToString();
    private ShipCursor _cursor = ShipCursor.Load(dir, client.Target.ToString());
    private ShipCursor _pendingCursor = ShipCursor.Start;
    private long _shipped, _batches, _pending, _failures;
    // Stopwatch ticks per stage (read the trail, build JSON, insert), shown by `ship` and used by the bench.
    private long _passTicks, _buildTicks, _insertTicks;
    private string? _lastError;
    private DateTime _newestRead, _newestShipped;
    private bool _connected;

    public ShipCursor Cursor => _cursor;

    public ShipStats Stats => new(Interlocked.Read(ref _shipped), Interlocked.Read(ref _batches), Interlocked.Read(ref _pending),
        _newestRead > _newestShipped ? (_newestRead - _newestShipped).TotalSeconds : 0, Interlocked.Read(ref _failures), _lastError, _connected)
    {
        Stages = new ShipStages(Seconds(_passTicks - _buildTicks - _insertTicks), Seconds(_buildTicks), Seconds(_insertTicks)),
    };

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    /// <summary>One pass to the end of both files as they are now. Throws <see cref="ClickHouseException"/> when a batch
    /// cannot be delivered (the cursor then stays at the last acknowledged batch).</summary>
    public void ShipOnce(CancellationToken ct = default)
    {
        _pendingCursor = _cursor;
        var passStart = Stopwatch.GetTimestamp();
        long pending = 0;
        var age = Stopwatch.StartNew();
        void Maybe()
        {
            pending++;
            if (_batch.Rows >= batchRows || (_batch.Rows > 0 && age.Elapsed >= _batchAge))
            {
                Flush();
                pending = 0;
                age.Restart();
            }
        }
        try
        {
            if (dir.FileExists(StateDirectory.BirthRecordsFile))
            {
                using var s = TrailReader.OpenShared(dir.FilePath(StateDirectory.BirthRecordsFile));
                foreach (var r in new TrailReader().Read(s))
                {
                    ct.ThrowIfCancellationRequested();
                    if (!long.TryParse(r["chain_seq"], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq <= _cursor.Births)
                    {
                        continue;
                    }
                    var b0 = Stopwatch.GetTimestamp();
                    if (Chained(BirthsFile, r, seq))
                    {
                        _batch.Birth(r);
                    }
                    _buildTicks += Stopwatch.GetTimestamp() - b0;
                    _pendingCursor = _pendingCursor with { Births = seq };
                    Seen(r["ts"]);
                    Maybe();
                }
            }
            if (dir.FileExists(StateDirectory.TimelineFile))
            {
                using var s = TrailReader.OpenShared(dir.FilePath(StateDirectory.TimelineFile));
                var after = _cursor.Timeline == 0;
                var slackFrom = _cursor.TimelineTs.Length > 0 ? FleetBatch.Timestamp(_cursor.TimelineTs) - FailSlack : DateTime.MinValue;
                foreach (var r in new TrailReader().Read(s))
                {
                    ct.ThrowIfCancellationRequested();
                    if (!long.TryParse(r["chain_seq"], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
                    {
                        // A row rebuilt from a birth record: only a failed connect is news here (births come from their own file).
                        if (r["event"] == TimelineColumns.Fail && (after || FleetBatch.Timestamp(r["ts"]) >= slackFrom))
                        {
                            var f0 = Stopwatch.GetTimestamp();
                            _batch.Timeline(r);
                            _buildTicks += Stopwatch.GetTimestamp() - f0;
                            Maybe();
                        }
                        continue;
                    }
                    if (seq <= _cursor.Timeline)
                    {
                        after |= seq == _cursor.Timeline;
                        continue;
                    }
                    after = true;
                    var t0 = Stopwatch.GetTimestamp();
                    if (Chained(TimelineFile, r, seq) && r["event"] is TimelineColumns.Death or TimelineColumns.Level)
                    {
                        _batch.Timeline(r);
                    }
                    _buildTicks += Stopwatch.GetTimestamp() - t0;
                    _pendingCursor = _pendingCursor with { Timeline = seq, TimelineTs = r["ts"] };
                    Seen(r["ts"]);
                    Maybe();
                }
            }
            Flush();
            pending = 0;
        }
        finally
        {
            _passTicks += Stopwatch.GetTimestamp() - passStart;
            Interlocked.Exchange(ref _pending, pending + _batch.Rows);
            _batch.Clear();
        }
    }

    /// <summary>Adds the chain's own rows (gap records, stored heads) to the batch; true for a data row.</summary>
    private bool Chained(string file, TrailRow r, long seq)
    {
        var chainEvent = r[ChainColumns.EventColumn];
        var ts = FleetBatch.Timestamp(r["ts"]);
        if (chainEvent.Length > 0 && GapRecord.Parse(chainEvent, ts, null) is { } gap)
        {
            _batch.Gap(file, seq, chainEvent, gap, ts);
        }
        // Format 3 stores the head on the last row of each write; format 2 a hash on every row.
        if ((r[ChainColumns.Head] is { Length: > 0 } h ? h : r[ChainColumns.Hash]) is { Length: > 0 } head)
        {
            _batch.Head(file, seq, head, chainEvent, ts);
        }
        return chainEvent.Length == 0;
    }

    private void Seen(string ts)
    {
        var t = FleetBatch.Timestamp(ts);
        if (t > _newestRead)
        {
            _newestRead = t;
        }
    }

    private void Flush()
    {
        if (_batch.Rows > 0)
        {
            var i0 = Stopwatch.GetTimestamp();
            try
            {
                foreach (var (table, columns, body, _) in _batch.Tables())
                {
                    client.InsertTabSeparated(table, columns, body);
                }
                _connected = true;
            }
            catch (ClickHouseException e)
            {
                _connected = !e.Unreachable;
                _failures++;
                _lastError = e.Message;
                throw;
            }
            finally
            {
                _insertTicks += Stopwatch.GetTimestamp() - i0;
            }
            Interlocked.Add(ref _shipped, _batch.Rows);
            Interlocked.Increment(ref _batches);
            _batch.Clear();
        }
        if (_pendingCursor != _cursor)
        {
            _pendingCursor.Save(dir, _key);
            _cursor = _pendingCursor;
            _newestShipped = _newestRead;
        }
    }
}
