using System.Globalization;
using N3ttrace.Connections;
using N3ttrace.Pipeline;

namespace N3ttrace.Trail;

/// <summary>
/// Writes birth certificates (once per socket, at birth or at a failed connect) and the timeline
/// (every state change, plus keyframes of the active set), both hash-chained, and seals their heads
/// in checkpoints.tsv with the forward-secure epoch key. Flushed every tick, forced to disk every
/// second, so a crash loses at most the last second; the next start recovers and says so in the chain.
/// </summary>
public sealed partial class TrailSink : PipelineSink
{
    private readonly TrailOptions _opt;
    private readonly SealingKey _key;
    private readonly RecordWriter _births;
    private readonly RecordWriter _timeline;
    private readonly RecordWriter _checkpoints;
    /// <summary>Format 2: process certificates and reasons texts, each written once (null in a format-1 directory).</summary>
    private readonly InternedRows? _processes;
    private readonly InternedRows? _reasons;
    /// <summary>The chained data files, in the order they are flushed and sealed: dictionaries before the rows that use them.</summary>
    private readonly RecordWriter[] _data;
    private readonly Dictionary<RecordWriter, long> _checkpointed = [];
    private DateTime _lastSync;
    private DateTime _lastCheckpoint;
    private long _timelineRowsAtKeyframe = -1;
    private bool _stopped;
    private long _seenDropped, _seenUntracked, _seenMalformed;
    private DateTime _lastTick;
    /// <summary>When the counters already recorded were read (null before the first tick).</summary>
    private DateTime? _countersReadAt;
    private readonly HashSet<string>? _written;
    private readonly HashSet<string>? _writtenDeaths;
    private readonly StateDirectory _dir;
    /// <summary>When the live segment began (this run's start for one a previous run began), and the rows then.</summary>
    private DateTime _segmentStarted;
    private long _rowsAtCut;
    private readonly Segments.SegmentCompressor? _compressor;

    /// <summary>Sealed segments compressed by this run so far, and compressions that failed (those stay plain).</summary>
    public long SegmentsCompressed => _compressor?.Compressed ?? 0;
    public long SegmentCompressionFailures => _compressor?.Failures ?? 0;

    /// <summary>Compresses every plain sealed segment now, on the caller's thread (tests, benchmarks).</summary>
    public void CompressSegmentsNow() => _compressor?.CompressAllNow();

    /// <summary>Set when this start created the sealing key: show it once, then it is gone.</summary>
    public VerifyKey? NewVerifyKey { get; }
    /// <summary>Files an earlier release began, whose rows go on without the columns added since: one line each, said at start.</summary>
    public IReadOnlyList<string> ColumnsLeftOut { get; }
    /// <summary>What the start recovered (torn lines, unclean stop), one line each.</summary>
    public IReadOnlyList<string> Recoveries { get; }

    public TrailSink(StateDirectory dir, TrailOptions? options = null)
    {
        _opt = options ?? new TrailOptions();
        var now = _opt.UtcNow();
        _dir = dir;
        _segmentStarted = now;
        // Files first: a refused file must not leave behind a sealing key whose verification key nobody saw.
        // The two busy files encode and hash their rows on threads of their own: the pipeline thread
        // only hands fields over, and waits for them at each tick's flush (the barrier before sealing).
        // A state directory of an earlier release (format 1) goes on in its format: every file keeps one format.
        _births = new RecordWriter(dir, TrailSchema.BirthRecords, background: true, legacy: _opt.WriteFormat1, format2: _opt.WriteFormat2) { Clock = _opt.UtcNow };
        Legacy = _births.Legacy;
        _timeline = new RecordWriter(dir, TrailSchema.Timeline, background: true, legacy: Legacy, format2: _births.Format == 2) { Clock = _opt.UtcNow };
        if (_timeline.Format != _births.Format)
        {
            throw new StateDirectoryException($"the trail files in {dir.Path} are of different formats; move them aside or use another --state-dir");
        }
        Format = _births.Format;
        _checkpoints = new RecordWriter(dir, TrailSchema.Checkpoints, (_, hash) => _key!.Mac(hash), legacy: Legacy) { Clock = _opt.UtcNow };
        if (_timeline.Legacy != Legacy || _checkpoints.Legacy != Legacy)
        {
            throw new StateDirectoryException($"the trail files in {dir.Path} are of different formats; move them aside or use another --state-dir");
        }
        if (!Legacy)
        {
            _processes = new InternedRows(new RecordWriter(dir, TrailSchema.Processes) { Clock = _opt.UtcNow });
            _reasons = new InternedRows(new RecordWriter(dir, TrailSchema.Reasons) { Clock = _opt.UtcNow });
        }
        _data = _processes is null || _reasons is null ? [_births, _timeline] : [_processes.Writer, _reasons.Writer, _births, _timeline];
        _key = SealingKey.OpenOrCreate(dir, _opt.EpochLength, now, out var created);
        NewVerifyKey = created;
        // A new key for a trail that already has seals: seal.key was deleted or moved. Said in the chain and at start,
        // never silently: from here on the seals verify only with the new verification key.
        KeyReplaced = created is not null && _checkpoints.Seq > 0;
        var recoveries = new List<string>();
        foreach (var w in _data.Append(_checkpoints))
        {
            string? note = null;
            var dictionary = w != _births && w != _timeline && w != _checkpoints;
            if (w.Torn is { } t)
            {
                note = $"{ChainColumns.Recovery} torn_bytes={t.Bytes} torn_sha256={t.Sha256} kept_in={t.KeptIn}";
            }
            else if (w != _checkpoints && !dictionary && w.LastEventAtOpen is not null && w.LastEventAtOpen != ChainColumns.Stop)
            {
                note = $"{ChainColumns.Recovery} unclean_stop";
            }
            if (note is not null)
            {
                w.AppendEvent(note, now);
                recoveries.Add($"{w.Name}: {note}");
                var lastTs = w == _checkpoints || dictionary ? null : w.LastTsAtOpen;
                if (lastTs is { Length: > 0 } && CapturedThrough(lastTs) is { } resumed)
                {
                    // The pinned kernel side kept capturing: its ring holds what happened since (drops, if any,
                    // follow as kernel-drop gaps over this window).
                    w.AppendEvent($"{ChainColumns.Recovery} kernel_capture_continued since={Time.Timestamp.ToRecord(resumed)}", now);
                    recoveries.Add($"{w.Name}: kernel side kept capturing since {Time.Timestamp.ToRecord(resumed)}: no not-running gap");
                }
                else if (lastTs is { Length: > 0 })
                {
                    // Nothing was seen between the last row of the run that died and this start.
                    w.AppendEvent(ChainColumns.GapEvent("not-running", null, lastTs, Time.Timestamp.ToRecord(now)), now);
                    Gaps++;
                }
            }
        }
        if (KeyReplaced)
        {
            var note = $"{ChainColumns.Recovery} seal_key_replaced earlier_checkpoint_rows={_checkpoints.Seq.ToString(CultureInfo.InvariantCulture)}";
            _births.AppendEvent(note, now);
            _timeline.AppendEvent(note, now);
            recoveries.Add(note);
        }
        Recoveries = recoveries;
        ColumnsLeftOut = _data.Where(w => w.LeftOut.Count > 0)
            .Select(w => $"{w.Name} was begun by an earlier release without the column(s) {string.Join(", ", w.LeftOut)}: appended rows leave them out; move the trail files aside (or use another --state-dir) to record them")
            .ToArray();
        if (_opt.KernelCapturingSince is not null)
        {
            _written = RecentConnIds.Read(dir, TrailSchema.BirthRecords.Name);
            // Deaths too: a death the last run wrote before it freed the ring behind it is read again.
            _writtenDeaths = RecentConnIds.Read(dir, TrailSchema.Timeline.Name, evt: TimelineColumns.Death);
            // Kernel drops found at the first tick happened while no consumer ran: their window starts at the last run's end.
            if (_births.LastTsAtOpen is { Length: > 0 } end && CapturedThrough(end) is not null)
            {
                _lastTick = Time.Timestamp.ParseRecord(end);
            }
        }
        foreach (var w in _data)
        {
            _checkpointed[w] = 0;
        }
        // Seal what the previous run left unsealed with the key of its epoch, then step to now.
        if (_data.Any(w => w.Seq > 0))
        {
            Checkpoint(CheckpointColumns.Resume, now);
        }
        _key.EvolveTo(_key.EpochOf(now));
        _births.AppendEvent(ChainColumns.Start, now);
        _timeline.AppendEvent(ChainColumns.Start, now);
        Checkpoint(CheckpointColumns.Start, now);
        _lastSync = now;
        if (_opt.CompressSegments)
        {
            _compressor = new Segments.SegmentCompressor(dir);
            _compressor.Kick(); // segments a previous run cut but did not compress
        }
        if (_opt.Prunes)
        {
            _reserve = new Segments.DiskReserve(dir);
            _reserve.Ensure();
        }
    }

    public long BirthRows => _births.Rows;
    /// <summary>The state directory is of format 1 (an earlier release): rows are written in that format.</summary>
    public bool Legacy { get; }
    /// <summary>The format rows are written in (<see cref="TrailSchema.Format"/> in a new directory, else the directory's).</summary>
    public int Format { get; }
    /// <summary>Process certificates written by this run (format 2).</summary>
    public long ProcessCertificates => _processes?.Written ?? 0;
    public long WriteFailures => _data.Sum(w => w.WriteFailures) + _checkpoints.WriteFailures;
    public long LostRows => _data.Sum(w => w.LostRows) + _checkpoints.LostRows;
    public long Epoch => _key.Epoch;
    /// <summary>seal.key was missing although the trail has seals: a new key (and verification key) was made.</summary>
    public bool KeyReplaced { get; }
    /// <summary>Gap records written by this run (kernel drops, untracked sockets, the window of a crash).</summary>
    public long Gaps { get; private set; }
    public string? LastWriteError => _data.Select(w => w.LastError).FirstOrDefault(e => e is not null) ?? _checkpoints.LastError;

    /// <summary>Births read again from a resumed kernel side's ring that the last run had already written (not written again).</summary>
    public long Replayed { get; private set; }

    /// <summary>Deaths read again from a resumed kernel side's ring that the last run had already written (not written again).</summary>
    public long ReplayedDeaths { get; private set; }

    /// <summary>Deaths of connections an earlier run wrote the birth of (a resumed kernel side): written here.</summary>
    public long CarriedDeaths { get; private set; }

    /// <summary>Deaths of connections born before this run that cannot be written (a trail of format 1 or 2 needs the birth's columns).</summary>
    public long CarriedDeathsUnwritten { get; private set; }

    /// <summary>When the kernel side captured through the end of the last run (whose last row is at lastTs): since when.</summary>
    private DateTime? CapturedThrough(string lastTs)
    {
        if (_opt.KernelCapturingSince is not { } since)
        {
            return null;
        }
        try
        {
            return Time.Timestamp.ParseRecord(lastTs) >= since ? since : null;
        }
        catch (FormatException)
        {
            return null; // a last row without a readable time proves nothing: the gap is recorded
        }
    }

    private bool AlreadyWritten(Connection c)
    {
        if (_written is null || _written.Count == 0 || !_written.Remove(c.ConnId))
        {
            return false;
        }
        Replayed++;
        return true;
    }

    public override void OnBirth(Connection c)
    {
        if (AlreadyWritten(c))
        {
            return;
        }
        _births.Append(BirthValues(c, failed: false));
        if (Format < 3)
        {
            _timeline.Append(TimelineValues(TimelineColumns.Birth, c.BirthUtc, c, c.BirthBootNs)); // format 3: the birth record is the birth
        }
    }

    public override void OnFail(Connection c)
    {
        if (AlreadyWritten(c))
        {
            return;
        }
        _births.Append(BirthValues(c, failed: true));
        if (Format < 3)
        {
            _timeline.Append(TimelineValues(TimelineColumns.Fail, c.EndUtc!.Value, c, c.EndBootNs!.Value)); // format 3: in the birth record
        }
    }

    public override void OnDeath(Connection c)
    {
        if (DeathWritten(c.ConnId))
        {
            return;
        }
        _timeline.Append(Format < 3 ? TimelineValues(TimelineColumns.Death, c.EndUtc!.Value, c, c.EndBootNs!.Value) : TimelineColumns.DeathValues(c.EndUtc!.Value, c));
    }

    /// <summary>
    /// Only a resumed kernel side's earlier consumer can have written the birth; a fresh run that sees a death without
    /// its birth lost the birth to a drop (a gap record says so) and leaves the death out, as before.
    /// </summary>
    public override void OnCarriedDeath(CarriedDeath d)
    {
        if (_opt.KernelCapturingSince is null || DeathWritten(d.ConnId))
        {
            return;
        }
        if (Format < 3)
        {
            CarriedDeathsUnwritten++;
            return;
        }
        CarriedDeaths++;
        _timeline.Append(TimelineColumns.DeathValues(d.EndUtc, d.ConnId, d.EndBootNs - d.BirthBootNs, d.BytesSent, d.BytesReceived));
    }

    private bool DeathWritten(string connId)
    {
        if (_writtenDeaths is null || _writtenDeaths.Count == 0 || !_writtenDeaths.Remove(connId))
        {
            return false;
        }
        ReplayedDeaths++;
        return true;
    }

    /// <summary>Format 2: the socket's own fields and the ids of its process certificate and reasons (each written once).</summary>
    private string[] BirthValues(Connection c, bool failed) =>
        _processes is null ? BirthRecordColumns.Format1Values(c)
        : Format < 3 ? Format2(BirthRecordColumns.StoredValues(c, Certificate(c), ReasonsId(c)), BirthFormat2)
        : BirthRecordColumns.Format3Values(c, Certificate(c), ReasonsId(c), failed);

    private string Certificate(Connection c) => _processes!.Intern(ProcessCertificateColumns.Values(c), _opt.UtcNow(), c.Context);

    private string[] TimelineValues(string evt, DateTime ts, Connection c, long nowBootNs) =>
        _reasons is null ? TimelineColumns.LegacyValues(evt, ts, c, nowBootNs) : Format2(TimelineColumns.StoredValues(evt, ts, c, nowBootNs, ReasonsId(c)), TimelineFormat2);

    /// <summary>Format 2 predates the direction columns: its rows go on without them (they read as outbound).</summary>
    private string[] Format2(string[] row, int[] keep) => Format == 2 ? keep.Select(i => row[i]).ToArray() : row;

    private static readonly int[] BirthFormat2 = Positions(BirthRecordColumns.StoredNames, BirthRecordColumns.StoredNamesBeforeDirection);
    private static readonly int[] TimelineFormat2 = Positions(TimelineColumns.StoredNames, TimelineColumns.StoredNamesBeforeDirection);

    private static int[] Positions(IReadOnlyList<string> all, IReadOnlyList<string> kept) => kept.Select(n => all.ToList().IndexOf(n)).ToArray();

    private string ReasonsId(Connection c)
    {
        var text = c.Verdict.ReasonsText;
        return text.Length == 0 || _reasons is null ? "" : _reasons.Intern([text], _opt.UtcNow(), text);
    }

    public override void OnVerdictChange(Connection c, Verdict previous)
    {
        // A score change within a level (a THREAT gaining stdio-socket) is news for explain and query too.
        if (previous.Level != c.Verdict.Level || previous.Score != c.Verdict.Score)
        {
            _timeline.Append(TimelineValues(TimelineColumns.Level, _opt.UtcNow(), c, Time.BootClock.NowBootNs()));
        }
    }

    /// <summary>Waits until every row handed over so far is in the files (a tick only asks for it).</summary>
    public void Flush()
    {
        foreach (var w in _data)
        {
            w.Flush();
        }
    }

    public override void WaitWritten() => Flush();

    public override void OnTick(PipelineView view)
    {
        if (view.Final)
        {
            RecordGaps(view, _opt.UtcNow());
            Stop(); // stop records, then one sync and seal: a quick exit on SIGINT
            return;
        }
        var now = _opt.UtcNow();
        RecordGaps(view, now);
        MaybeKeyframe(view, now);
        // Written by the encoding threads; the pipeline waits for them only to seal (checkpoints).
        var sync = now - _lastSync >= _opt.DiskSyncInterval;
        foreach (var w in _data)
        {
            w.FlushLater(toDisk: sync); // the dictionaries first: synced before the rows that use them
        }
        if (sync)
        {
            _lastSync = now;
        }
        var epoch = _key.EpochOf(now);
        if (epoch > _key.Epoch)
        {
            Checkpoint(CheckpointColumns.EpochEnd, now);
            // Epochs slept through (a stopped process, a suspended VM) get a seal each, with their own key:
            // verify then tells them from epochs whose seals were stripped.
            while (_key.Epoch + 1 < epoch)
            {
                _key.EvolveTo(_key.Epoch + 1);
                Checkpoint(CheckpointColumns.EpochEnd, now);
            }
            _key.EvolveTo(epoch);
            var mark = $"{ChainColumns.Epoch} {epoch.ToString(CultureInfo.InvariantCulture)}";
            _births.AppendEvent(mark, now);
            _timeline.AppendEvent(mark, now);
        }
        else if (now - _lastCheckpoint >= _opt.CheckpointInterval && _data.Any(w => w.Enqueued != _checkpointed[w]))
        {
            Checkpoint(CheckpointColumns.Periodic, now);
        }
        MaybeCut(now);
        WatchDisk(now);
        MaybePrune(now);
    }

    /// <summary>Segments cut by this run, and cuts that failed (the live file then simply goes on).</summary>
    public long SegmentsCut { get; private set; }
    public long SegmentCutFailures { get; private set; }

    /// <summary>
    /// Cuts the live birth records and timeline into sealed segments once either is big or old enough. The cut is
    /// made right after a seal of both heads, so each segment ends on a sealed head and the next one's first row
    /// chains onto it (<see cref="RecordWriter.Cut"/>).
    /// </summary>
    private void MaybeCut(DateTime now)
    {
        var rows = _births.Enqueued + _timeline.Enqueued;
        if (rows == _rowsAtCut
            || (_births.LiveBytes < _opt.SegmentBytes && _timeline.LiveBytes < _opt.SegmentBytes && now - _segmentStarted < _opt.SegmentAge))
        {
            return;
        }
        Checkpoint(CheckpointColumns.Periodic, now);
        var number = Segments.TrailSegments.LastNumber(_dir.Path) + 1;
        foreach (var w in new[] { _births, _timeline })
        {
            if (w.Cut(number))
            {
                SegmentsCut++;
            }
            else
            {
                SegmentCutFailures++;
            }
        }
        _segmentStarted = now;
        _rowsAtCut = _births.Enqueued + _timeline.Enqueued;
        _compressor?.Kick();
        _cutSinceLook = true;
    }

    /// <summary>
    /// Turns what the source says it lost since its last reading into gap records in both chains. The window runs
    /// from the counters' reading that showed what is already recorded to the reading that shows more: the counters
    /// travel behind the records read before them, so after a stall (a stopped consumer draining a full ring) the
    /// window still covers the time the records were lost, not the tick that happened to see the new total.
    /// Kernel drops are records the ring had no room for; untracked sockets are connects the socket map had no room
    /// for; malformed, records the decoder could not read whole.
    /// </summary>
    private void RecordGaps(PipelineView view, DateTime now)
    {
        var stats = view.Stats;
        var readAt = stats.SourceCountersBootNs > 0 && view.NowBootNs >= stats.SourceCountersBootNs
            ? view.NowUtc - TimeSpan.FromTicks((view.NowBootNs - stats.SourceCountersBootNs) / 100)
            : now;
        var from = Time.Timestamp.ToRecord(_countersReadAt ?? (_lastTick == default ? readAt : _lastTick));
        var to = Time.Timestamp.ToRecord(readAt);
        _lastTick = now;
        _countersReadAt = readAt;
        foreach (var (cause, total, seen) in new[] { ("kernel-drop", stats.SourceDropped, _seenDropped), ("socket-map-full", stats.SourceUntracked, _seenUntracked), ("malformed", stats.SourceMalformed, _seenMalformed) })
        {
            if (total > seen)
            {
                var note = ChainColumns.GapEvent(cause, total - seen, from, to);
                _births.AppendEvent(note, now);
                _timeline.AppendEvent(note, now);
                Gaps++;
            }
        }
        _seenDropped = Math.Max(_seenDropped, stats.SourceDropped);
        _seenUntracked = Math.Max(_seenUntracked, stats.SourceUntracked);
        _seenMalformed = Math.Max(_seenMalformed, stats.SourceMalformed);
    }

    /// <summary>A keyframe (every live connection) bounds how far `at` replays; one at start, then by row count.</summary>
    private void MaybeKeyframe(PipelineView view, DateTime now)
    {
        var since = _timeline.Enqueued - _timelineRowsAtKeyframe;
        if (_timelineRowsAtKeyframe >= 0 && since < Math.Max(_opt.KeyframeEveryRows, 2L * view.Active.Count))
        {
            return;
        }
        if (Format >= 3)
        {
            // The same mark in the birth records: readers place the births written before it before the keyframe.
            _births.AppendEvent(TimelineColumns.KeyframeBegin, now);
        }
        _timeline.Append(Legacy ? TimelineColumns.Marker(TimelineColumns.KeyframeBegin, now, true) : Format2(TimelineColumns.Marker(TimelineColumns.KeyframeBegin, now), TimelineFormat2));
        foreach (var c in view.Active)
        {
            _timeline.Append(TimelineValues(TimelineColumns.Keyframe, now, c, view.NowBootNs));
        }
        _timeline.Append(Legacy ? TimelineColumns.Marker(TimelineColumns.KeyframeEnd, now, true) : Format2(TimelineColumns.Marker(TimelineColumns.KeyframeEnd, now), TimelineFormat2));
        _timelineRowsAtKeyframe = _timeline.Enqueued;
    }

    /// <summary>Forces the data files to disk, then seals their committed heads with the current epoch key.</summary>
    private void Checkpoint(string kind, DateTime now)
    {
        foreach (var w in _data)
        {
            w.Flush(toDisk: true);
        }
        foreach (var w in _data)
        {
            _checkpoints.Append(
            [
                Time.Timestamp.ToRecord(now), kind, _key.Epoch.ToString(CultureInfo.InvariantCulture), w.Name,
                w.CommittedSeq.ToString(CultureInfo.InvariantCulture), w.CommittedHead,
            ]);
            _checkpointed[w] = w.Enqueued;
        }
        _checkpoints.Flush(toDisk: true);
        _lastCheckpoint = now;
    }

    /// <summary>Clean stop: a stop record in each chain, sealed.</summary>
    public void Stop()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        _reserve?.Release(); // on a full disk the reserved room is for the trail's last seal
        var now = _opt.UtcNow();
        _births.AppendEvent(ChainColumns.Stop, now);
        _timeline.AppendEvent(ChainColumns.Stop, now);
        Checkpoint(CheckpointColumns.Stop, now);
    }

    public override void Dispose()
    {
        Stop();
        try
        {
            _plan?.Wait();
        }
        catch (AggregateException)
        {
            // a plan that failed is only not applied
        }
        _compressor?.Dispose();
        foreach (var w in _data)
        {
            w.Dispose();
        }
        _checkpoints.Dispose();
        base.Dispose();
    }
}
