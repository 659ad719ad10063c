namespace N3ttrace.Trail.Forwarding;

/// <summary>What the forwarder did. Every record is either sent or counted in one of the drop counters.</summary>
public sealed record ForwarderStats(
    long Records,
    long Sent,
    long DroppedQueueFull,
    long DroppedOversize,
    long DroppedAtStop,
    long Queued,
    long Connects,
    bool Connected)
{
    public long Dropped => DroppedQueueFull + DroppedOversize + DroppedAtStop;
}
