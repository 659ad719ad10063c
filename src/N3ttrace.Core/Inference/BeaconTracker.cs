namespace N3ttrace.Inference;

/// <summary>
/// Connection times per (lineage signature, remote hash) pair, to recognise beacons.
/// Memory is bounded: each pair keeps its last <c>history</c> birth times in a ring, and at most
/// <c>maxPairs</c> pairs are kept (least recently seen evicted first). Work per event is bounded by the history.
/// A pair whose mean interval over its history is below <c>burstMeanSeconds</c> is a burst (a connection storm):
/// its statistics are not computed, so storms cost one ring write per connection.
/// </summary>
public sealed class BeaconTracker(int history, int maxPairs, double burstMeanSeconds = 0)
{
    private sealed class Pair(string key, int history)
    {
        public readonly string Key = key;
        public readonly long[] Times = new long[history];
        public int Count;
        public bool WasBeacon;
        public LinkedListNode<Pair>? Node;
    }

    private readonly Dictionary<string, Pair> _pairs = new(StringComparer.Ordinal);
    private readonly LinkedList<Pair> _recent = new();

    public int Pairs => _pairs.Count;

    /// <summary>Remembers that key was recognised as a beacon (for hysteresis).</summary>
    public void MarkBeacon(string key)
    {
        if (_pairs.TryGetValue(key, out var p))
        {
            p.WasBeacon = true;
        }
    }
    public long Evicted { get; private set; }

    /// <summary>Records one connection at bootNs and returns the pair's regularity, or null below two intervals.</summary>
    public BeaconObservation? Observe(string key, long bootNs)
    {
        if (!_pairs.TryGetValue(key, out var p))
        {
            if (_pairs.Count >= maxPairs && _recent.Last is { } oldest)
            {
                _recent.RemoveLast();
                _pairs.Remove(oldest.Value.Key);
                Evicted++;
            }
            p = new Pair(key, history);
            p.Node = _recent.AddFirst(p);
            _pairs[key] = p;
        }
        else
        {
            _recent.Remove(p.Node!);
            _recent.AddFirst(p.Node!);
        }
        p.Times[p.Count % history] = bootNs;
        p.Count++;
        var n = Math.Min(p.Count, history);
        if (n < 3)
        {
            return null;
        }
        var start = p.Count - n;
        if ((p.Times[(p.Count - 1) % history] - p.Times[start % history]) / 1e9 / (n - 1) < burstMeanSeconds)
        {
            return null;
        }
        Span<double> intervals = stackalloc double[n - 1];
        for (var i = 0; i < n - 1; i++)
        {
            var a = p.Times[(start + i) % history];
            var b = p.Times[(start + i + 1) % history];
            intervals[i] = (b - a) / 1e9;
        }
        var stats = BeaconStatistics.Of(intervals, p.Count);
        return stats is null || !p.WasBeacon ? stats : stats with { WasBeacon = true };
    }
}
