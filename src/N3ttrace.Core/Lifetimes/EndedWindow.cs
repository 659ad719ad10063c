namespace N3ttrace.Lifetimes;

/// <summary>
/// Lifetimes of connections that ended within a sliding window, as bucket counts. The window is
/// cut into <see cref="Slots"/> slots; a whole slot expires at once, so the window is exact to
/// within one slot (window/60) and an ended connection costs one increment, never a list entry.
/// </summary>
public sealed class EndedWindow
{
    public const int Slots = 60;

    private readonly long _slotNs;
    private readonly int[]?[] _slots = new int[]?[Slots];
    private readonly long[] _epochs = new long[Slots];
    private readonly long[] _sum = new long[LogBuckets.Count];
    private long _newestEpoch = long.MinValue / 2; // no slot yet (halved: no overflow in arithmetic)

    public EndedWindow(TimeSpan window)
    {
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), "the window must be positive");
        }
        Window = window;
        _slotNs = Math.Max(1, (long)(window.TotalNanoseconds / Slots));
        Array.Fill(_epochs, long.MinValue);
    }

    public TimeSpan Window { get; }
    public long Count { get; private set; }

    /// <summary>Bucket totals over the window. Read-only for callers.</summary>
    public ReadOnlySpan<long> Buckets => _sum;

    public void Add(long endBootNs, double lifetimeSeconds)
    {
        var epoch = endBootNs / _slotNs;
        if (epoch < _newestEpoch - Slots + 1)
        {
            return; // ended before the window (a late event): not part of it
        }
        var k = (int)(epoch % Slots);
        if (_epochs[k] != epoch)
        {
            Evict(k);
            _epochs[k] = epoch;
        }
        if (epoch > _newestEpoch)
        {
            ExpireBefore(epoch - Slots + 1);
            _newestEpoch = epoch;
        }
        var slot = _slots[k] ??= new int[LogBuckets.Count];
        var b = LogBuckets.Index(lifetimeSeconds);
        slot[b]++;
        _sum[b]++;
        Count++;
    }

    /// <summary>Drops slots that fell out of the window ending now.</summary>
    public void Expire(long nowBootNs)
    {
        var epoch = nowBootNs / _slotNs;
        if (epoch > _newestEpoch)
        {
            ExpireBefore(epoch - Slots + 1);
            _newestEpoch = epoch;
        }
    }

    private void ExpireBefore(long firstEpoch)
    {
        for (var k = 0; k < Slots; k++)
        {
            if (_epochs[k] != long.MinValue && _epochs[k] < firstEpoch)
            {
                Evict(k);
            }
        }
    }

    private void Evict(int k)
    {
        if (_epochs[k] != long.MinValue && _slots[k] is { } slot)
        {
            for (var b = 0; b < slot.Length; b++)
            {
                if (slot[b] != 0)
                {
                    _sum[b] -= slot[b];
                    Count -= slot[b];
                    slot[b] = 0;
                }
            }
        }
        _epochs[k] = long.MinValue;
    }
}
