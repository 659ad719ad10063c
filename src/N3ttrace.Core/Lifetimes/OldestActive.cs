using N3ttrace.Connections;

namespace N3ttrace.Lifetimes;

/// <summary>
/// The longest-lived active connection: a min-heap on birth time. Ended connections are removed
/// lazily when they reach the top; the heap is rebuilt when they outnumber the live ones, so
/// memory stays proportional to the active set and each event costs O(log n) amortized.
/// </summary>
public sealed class OldestActive
{
    private readonly HashSet<Connection> _active = new(ReferenceEqualityComparer.Instance);
    private PriorityQueue<Connection, (long, int, ulong)> _heap = new();

    public int Count => _active.Count;

    public bool Add(Connection c)
    {
        if (!_active.Add(c))
        {
            return false;
        }
        _heap.Enqueue(c, Order(c));
        return true;
    }

    public bool Remove(Connection c)
    {
        if (!_active.Remove(c))
        {
            return false;
        }
        if (_heap.Count > 2 * _active.Count + 1024)
        {
            _heap = new PriorityQueue<Connection, (long, int, ulong)>(_active.Select(a => (a, Order(a))));
        }
        return true;
    }

    /// <summary>Ties on birth go to the lower pid, as in the table's lifetime order.</summary>
    private static (long, int, ulong) Order(Connection c) => (c.BirthBootNs, c.Pid, c.SocketKey);

    public Connection? Oldest()
    {
        while (_heap.TryPeek(out var c, out _))
        {
            if (_active.Contains(c))
            {
                return c;
            }
            _heap.Dequeue();
        }
        return null;
    }
}
