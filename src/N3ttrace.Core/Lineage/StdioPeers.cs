namespace N3ttrace.Lineage;

/// <summary>
/// Which processes hold each pipe, FIFO or socket on their fds 0, 1, 2 (from exec facts): the other end of
/// a shell's pipe. Constant work per exec and per lookup: at most <see cref="MaxHolders"/> per object;
/// exited holders give their slot to new ones, and a full slot list is counted, not grown.
/// </summary>
public sealed class StdioPeers
{
    public const int MaxHolders = 16;

    /// <summary>An index that knows nothing (engines built without a process table).</summary>
    public static StdioPeers Empty { get; } = new();

    private readonly Dictionary<StdioFd, List<ProcessNode>> _holders = [];

    public int Objects => _holders.Count;
    /// <summary>Holders not indexed because an object already had <see cref="MaxHolders"/> live ones.</summary>
    public long Overflows { get; private set; }

    public void Add(ProcessNode node, StdioFacts stdio)
    {
        for (var fd = 0; fd < 3; fd++)
        {
            var f = stdio[fd];
            if (!f.IsChannel)
            {
                continue;
            }
            if (!_holders.TryGetValue(f, out var list))
            {
                _holders[f] = list = new List<ProcessNode>(2);
            }
            if (list.Contains(node))
            {
                continue;
            }
            if (list.Count >= MaxHolders)
            {
                var gone = list.FindIndex(n => n.ExitedBootNs is not null || !Holds(n, f));
                if (gone < 0)
                {
                    Overflows++;
                    continue;
                }
                list.RemoveAt(gone);
            }
            list.Add(node);
        }
    }

    public void Remove(ProcessNode node, StdioFacts stdio)
    {
        for (var fd = 0; fd < 3; fd++)
        {
            var f = stdio[fd];
            if (f.IsChannel && _holders.TryGetValue(f, out var list) && list.Remove(node) && list.Count == 0)
            {
                _holders.Remove(f);
            }
        }
    }

    /// <summary>Live processes other than self whose current stdio holds f.</summary>
    public IEnumerable<ProcessNode> Others(StdioFd f, ProcessNode self)
    {
        if (!f.IsChannel || !_holders.TryGetValue(f, out var list))
        {
            yield break;
        }
        foreach (var n in list)
        {
            if (!ReferenceEquals(n, self) && n.ExitedBootNs is null && Holds(n, f))
            {
                yield return n;
            }
        }
    }

    private static bool Holds(ProcessNode n, StdioFd f)
    {
        var s = n.Context.Stdio;
        return s.In == f || s.Out == f || s.Err == f;
    }
}
