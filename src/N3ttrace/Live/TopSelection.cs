namespace N3ttrace.Cli.Live;

/// <summary>
/// The first n items in an order without sorting them all: a heap of the n best so far whose top
/// is the worst of them, so each further item costs one comparison (O(m log n) at worst).
/// </summary>
public static class TopSelection
{
    public static List<T> Select<T>(IEnumerable<T> items, IComparer<T> order, int n)
    {
        if (n <= 0)
        {
            return [];
        }
        var worstFirst = Comparer<T>.Create((a, b) => order.Compare(b, a));
        var heap = new PriorityQueue<T, T>(n + 1, worstFirst);
        foreach (var item in items)
        {
            if (heap.Count < n)
            {
                heap.Enqueue(item, item);
            }
            else if (order.Compare(item, heap.Peek()) < 0)
            {
                heap.DequeueEnqueue(item, item);
            }
        }
        var result = new List<T>(heap.Count);
        while (heap.TryDequeue(out var item, out _))
        {
            result.Add(item);
        }
        result.Reverse();
        return result;
    }
}
