namespace N3ttrace.Lifetimes;

/// <summary>
/// Birth times of active connections, kept so that their ages (which all change every refresh)
/// can be turned into a lifetime histogram without visiting every connection.
/// Births are counted in time buckets on levels: level k has buckets FinestNs·2^k wide. A bucket
/// moves up one level (merging with its neighbour) once every birth in it is older than
/// <see cref="Spread"/> bucket widths, so a bucket never spans more than 2/Spread (0.4%) of the
/// ages in it. Adding or removing a birth touches one bucket; a refresh visits the non-empty
/// buckets only (a few hundred per level in use), never the connections.
/// </summary>
public sealed class ActiveAges
{
    /// <summary>10 µs: ages below ~5 ms are exact to this absolute resolution, longer ones to 0.4%.</summary>
    public const long FinestNs = 10_000;
    public const int Spread = 512;
    /// <summary>Level 35 starts at ages of Spread · 2^34 · 10 µs ≈ 2.8 years and takes every older birth.</summary>
    public const int Levels = 36;

    private readonly Dictionary<long, int>[] _levels = new Dictionary<long, int>[Levels];
    /// <summary>Level k holds births in [_floor[k], _floor[k-1]); level 0 everything from _floor[0] on.</summary>
    private readonly long[] _floor = new long[Levels];
    private readonly List<long> _moving = [];

    public ActiveAges()
    {
        for (var k = 0; k < Levels; k++)
        {
            _levels[k] = [];
            _floor[k] = long.MinValue;
        }
    }

    public long Count { get; private set; }

    /// <summary>Non-empty buckets over all levels: the work of one <see cref="AddAges"/>.</summary>
    public int BucketCount
    {
        get
        {
            var n = 0;
            foreach (var l in _levels)
            {
                n += l.Count;
            }
            return n;
        }
    }

    public void Add(long birthBootNs)
    {
        var k = LevelOf(birthBootNs);
        var idx = Floor(birthBootNs, Width(k));
        ref var n = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_levels[k], idx, out _);
        n++;
        Count++;
    }

    /// <summary>Removes a birth added earlier (a connection ended).</summary>
    public void Remove(long birthBootNs)
    {
        var k = LevelOf(birthBootNs);
        var level = _levels[k];
        var idx = Floor(birthBootNs, Width(k));
        if (level.TryGetValue(idx, out var n))
        {
            if (n <= 1)
            {
                level.Remove(idx);
            }
            else
            {
                level[idx] = n - 1;
            }
            Count--;
        }
    }

    /// <summary>Moves buckets whose births are now old enough to a coarser level. Call at each tick.</summary>
    public void Promote(long nowBootNs)
    {
        for (var k = 0; k < Levels - 1; k++)
        {
            var w = Width(k);
            if (w > nowBootNs / Spread)
            {
                break; // no birth is that old yet
            }
            var up = Width(k + 1);
            var floor = Floor(nowBootNs - Spread * w, up);
            if (floor <= _floor[k])
            {
                continue;
            }
            _floor[k] = floor;
            var level = _levels[k];
            var next = _levels[k + 1];
            _moving.Clear();
            foreach (var idx in level.Keys)
            {
                if (idx < floor)
                {
                    _moving.Add(idx);
                }
            }
            foreach (var idx in _moving)
            {
                level.Remove(idx, out var n);
                ref var m = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(next, Floor(idx, up), out _);
                m += n;
            }
        }
    }

    /// <summary>Adds every active connection's age at <paramref name="nowBootNs"/> to a histogram of <see cref="LogBuckets"/>.</summary>
    public void AddAges(long nowBootNs, Span<long> buckets)
    {
        for (var k = 0; k < Levels; k++)
        {
            var half = Width(k) / 2;
            foreach (var (idx, n) in _levels[k])
            {
                var age = (nowBootNs - (idx + half)) / 1e9;
                buckets[LogBuckets.Index(age)] += n;
            }
        }
    }

    private int LevelOf(long birthBootNs)
    {
        var k = 0;
        while (k < Levels - 1 && birthBootNs < _floor[k])
        {
            k++;
        }
        return k;
    }

    private static long Width(int level) => FinestNs << level;

    /// <summary>Start of the bucket of width w holding t (rounds toward minus infinity).</summary>
    private static long Floor(long t, long w) => t - (((t % w) + w) % w);
}
