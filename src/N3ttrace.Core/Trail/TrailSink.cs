using N3ttrace.Connections;
using N3ttrace.Pipeline;

namespace N3ttrace.Trail;

/// <summary>
/// Writes birth certificates (once per socket, at birth or at a failed connect) and the
/// timeline (every state change). Flushed every tick, forced to disk every second, so a
/// crash loses at most the last second.
/// </summary>
public sealed class TrailSink : PipelineSink
{
    private static readonly long DiskSyncNs = 1_000_000_000;

    private readonly RecordWriter _births;
    private readonly RecordWriter _timeline;
    private long _lastSyncNs;

    public TrailSink(StateDirectory dir)
    {
        _births = new RecordWriter(dir, StateDirectory.BirthRecordsFile, BirthRecordColumns.Names);
        _timeline = new RecordWriter(dir, StateDirectory.TimelineFile, TimelineColumns.Names);
    }

    public long BirthRows => _births.Rows;

    public override void OnBirth(Connection c)
    {
        _births.Append(BirthRecordColumns.Values(c));
        _timeline.Append(TimelineColumns.Values("birth", c.BirthUtc, c, c.BirthBootNs));
    }

    public override void OnFail(Connection c)
    {
        _births.Append(BirthRecordColumns.Values(c));
        _timeline.Append(TimelineColumns.Values("fail", c.EndUtc!.Value, c, c.EndBootNs!.Value));
    }

    public override void OnDeath(Connection c) =>
        _timeline.Append(TimelineColumns.Values("death", c.EndUtc!.Value, c, c.EndBootNs!.Value));

    public override void OnVerdictChange(Connection c, Verdict previous)
    {
        // A score change within a level (a THREAT gaining stdio-socket) is news for explain and query too.
        if (previous.Level != c.Verdict.Level || previous.Score != c.Verdict.Score)
        {
            _timeline.Append(TimelineColumns.Values("level", DateTime.UtcNow, c, Time.BootClock.NowBootNs()));
        }
    }

    public override void OnTick(PipelineView view)
    {
        var sync = view.Final || view.NowBootNs - _lastSyncNs >= DiskSyncNs;
        _births.Flush(sync);
        _timeline.Flush(sync);
        if (sync)
        {
            _lastSyncNs = view.NowBootNs;
        }
    }

    public override void Dispose()
    {
        _births.Dispose();
        _timeline.Dispose();
        base.Dispose();
    }
}
