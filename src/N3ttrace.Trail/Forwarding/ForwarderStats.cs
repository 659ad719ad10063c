namespace N3ttrace.Trail.Forwarding;

/// <summary>What the forwarder did. Every record is either sent or counted in one of the drop counters;
/// n3ttrace's own connections are not forwarded (OwnSkipped).</summary>
public sealed record ForwarderStats(
    long Records,
    long Sent,
    long DroppedQueueFull,
    long DroppedOversize,
    long DroppedAtStop,
    long Queued,
    long Connects,
    bool Connected,
    long OwnSkipped = 0,
    long ConnectAttempts = 0)
{
    public long Dropped => DroppedQueueFull + DroppedOversize + DroppedAtStop;
}
