using System.Globalization;
using N3ttrace.Trail.Segments;

namespace N3ttrace.Trail;

/// <summary>
/// Retention and a full disk. Sealed segments past --retain or beyond --max-disk are pruned (the plan is made off the
/// pipeline thread: it reads the segments it removes), each prune first writing its anchors: a prune record in each chain
/// and, in checkpoints.tsv, a seal of it and a prune seal of the last removed row (verify starts the chain there). A
/// write that fails for want of room pauses the trail: rows are counted lost (every flush still tries, which is how the
/// room coming back is noticed), a loud warning goes out, the oldest sealed segment is pruned when retention is on, and
/// the first write that succeeds again carries the write-failure record with the window and the rows lost.
/// </summary>
public sealed partial class TrailSink
{
    /// <summary>How often retention looks at the state directory when nothing presses (a cut or a full disk looks at once).</summary>
    private static readonly TimeSpan PruneLookInterval = TimeSpan.FromSeconds(10);

    private DiskReserve? _reserve;
    private Task<PrunePlan?>? _plan;
    private DateTime _lastPruneLook;
    private bool _cutSinceLook;
    private long _segmentFailuresSeen;
    private bool _paused;
    private long _lostAtPause;

    /// <summary>Warnings for the operator (a full disk, writing resumed): the CLI sends them to stderr and the log.</summary>
    public Action<string>? Warn { get; set; }
    /// <summary>Notices (a prune): the CLI logs them.</summary>
    public Action<string>? Inform { get; set; }

    /// <summary>Prunes made, the segment numbers they removed, and prunes that could not be made (the segments then stay).</summary>
    public long Prunes { get; private set; }
    public long SegmentsPruned { get; private set; }
    public long PruneFailures { get; private set; }
    public string? LastPrune { get; private set; }
    public string? LastPruneError { get; private set; }

    /// <summary>The last write of some trail file failed for want of room: writing is paused.</summary>
    public bool DiskFull => _data.Any(w => w.NoSpace) || _checkpoints.NoSpace;
    /// <summary>Times writing was paused by a full disk in this run.</summary>
    public long DiskFullPauses { get; private set; }

    private void WatchDisk(DateTime now)
    {
        var full = DiskFull;
        if (full && !_paused)
        {
            _paused = true;
            _lostAtPause = LostRows;
            DiskFullPauses++;
            var remedy = _opt.Prunes ? "pruning the oldest sealed segments" : "no --retain/--max-disk: free space to resume";
            Warn?.Invoke($"DISK FULL in {_dir.Path}: trail writing is PAUSED at {Time.Timestamp.ToRecord(now)} and new rows are lost (counted); {remedy} ({LastWriteError})");
        }
        else if (!full && _paused)
        {
            _paused = false;
            Warn?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"disk space returned: trail writing resumed at {Time.Timestamp.ToRecord(now)}; {LostRows - _lostAtPause} rows were lost while paused, recorded in the chain as a gap (write-failure cause=disk-full)"));
        }
    }

    private void MaybePrune(DateTime now)
    {
        if (!_opt.Prunes)
        {
            return;
        }
        var segmentFailures = SegmentCutFailures + SegmentCompressionFailures;
        var pressure = DiskFull || segmentFailures > _segmentFailuresSeen;
        _segmentFailuresSeen = segmentFailures;
        if (_plan is { IsCompleted: true } done)
        {
            _plan = null;
            if (Planned(() => done.GetAwaiter().GetResult()) is { } plan)
            {
                Apply(plan, now);
            }
            return;
        }
        if (_plan is not null || (!pressure && !_cutSinceLook && now - _lastPruneLook < PruneLookInterval))
        {
            return;
        }
        _lastPruneLook = now;
        _cutSinceLook = false;
        var (dir, opt) = (_dir, _opt);
        _plan = Task.Run(() => SegmentPruner.Plan(dir, opt, now, pressure));
    }

    private PrunePlan? Planned(Func<PrunePlan?> plan)
    {
        try
        {
            return plan();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or StateDirectoryException)
        {
            // A segment compressed (renamed) while it was read, or a damaged one: looked at again later; verify says more.
            PruneFailures++;
            LastPruneError = e.Message;
            return null;
        }
    }

    /// <summary>Plans and applies a prune now, on the caller's thread (tests, benchmarks): true when segments were pruned.</summary>
    public bool PruneNow(bool diskFull = false)
    {
        Flush();
        var now = _opt.UtcNow();
        var plan = Planned(() => SegmentPruner.Plan(_dir, _opt, now, diskFull));
        return plan is not null && Apply(plan, now);
    }

    /// <summary>Writes and seals the plan's anchors, then removes its segments. Nothing is removed unless every anchor is on disk.</summary>
    private bool Apply(PrunePlan plan, DateTime now)
    {
        var compressor = _compressor;
        if (compressor is not null && !compressor.TryHold())
        {
            return false; // a compression pass is running: the next look plans again
        }
        try
        {
            _reserve?.Release(); // on a full disk, the room for the anchors
            foreach (var f in plan.Files)
            {
                (f.File == StateDirectory.BirthRecordsFile ? _births : _timeline).AppendEvent(f.Record.ToEvent(), now);
            }
            var ok = true;
            foreach (var w in _data)
            {
                ok &= w.Flush(toDisk: true);
            }
            if (ok)
            {
                var ts = Time.Timestamp.ToRecord(now);
                var epoch = _key.Epoch.ToString(CultureInfo.InvariantCulture);
                foreach (var w in _data)
                {
                    _checkpoints.Append([ts, CheckpointColumns.Periodic, epoch, w.Name, w.CommittedSeq.ToString(CultureInfo.InvariantCulture), w.CommittedHead]);
                    _checkpointed[w] = w.Enqueued;
                }
                foreach (var f in plan.Files)
                {
                    _checkpoints.Append([ts, CheckpointColumns.Prune, epoch, f.File, f.Record.LastSeq.ToString(CultureInfo.InvariantCulture), f.Record.LastHash]);
                }
                ok = _checkpoints.Flush(toDisk: true);
                _lastCheckpoint = now;
            }
            if (!ok)
            {
                PruneFailures++;
                LastPruneError = LastWriteError;
                return false;
            }
            SegmentPruner.Delete(_dir, plan);
            Prunes++;
            SegmentsPruned += plan.Numbers.Count;
            LastPrune = $"{plan.Files[0].Record} at {Time.Timestamp.ToRecord(now)}";
            Inform?.Invoke(string.Create(CultureInfo.InvariantCulture, $"retention: {LastPrune}, {plan.Bytes} bytes freed"));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            PruneFailures++;
            LastPruneError = e.Message;
            return false;
        }
        finally
        {
            _reserve?.Ensure();
            compressor?.Release();
        }
    }
}
