using N3ttrace.Connections;

namespace N3ttrace.Lifetimes;

/// <summary>
/// Lifetime statistics of the live view: p90 over connections that ended in a sliding
/// window and over the ages of active ones, and the longest-lived active connection.
/// Placeholder implementation: exact, sorts at query time. The [live] issue replaces it
/// with a streaming histogram (constant work per event).
/// </summary>
public sealed class LifetimeStats(TimeSpan window)
{
    private readonly Queue<(long EndNs, double Seconds)> _ended = new();

    public TimeSpan Window { get; } = window;

    public void OnEnded(Connection c)
    {
        if (c.EndBootNs is { } end)
        {
            _ended.Enqueue((end, c.AgeSeconds(end)));
        }
    }

    public void Expire(long nowBootNs)
    {
        var horizon = nowBootNs - (long)Window.TotalNanoseconds;
        while (_ended.TryPeek(out var e) && e.EndNs < horizon)
        {
            _ended.Dequeue();
        }
    }

    public double P90(IReadOnlyCollection<Connection> active, long nowBootNs)
    {
        var all = _ended.Select(e => e.Seconds).Concat(active.Select(a => a.AgeSeconds(nowBootNs))).OrderBy(x => x).ToArray();
        return all.Length == 0 ? 0 : all[(int)Math.Ceiling(0.9 * all.Length) - 1];
    }
}
