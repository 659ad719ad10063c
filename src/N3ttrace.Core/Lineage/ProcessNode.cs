namespace N3ttrace.Lineage;

/// <summary>How a process's parent is known.</summary>
public enum ParentKnowledge
{
    /// <summary>Seen at fork (eBPF), or read from /proc while the parent was still the original one.</summary>
    Known,
    /// <summary>The parent is pid 1 or the kernel: the chain ends here.</summary>
    Root,
    /// <summary>Re-parented to init before n3ttrace saw it: the original parent is gone and unknowable.</summary>
    Unknown,
}

/// <summary>One process in the table. Its ancestry is fixed when it is created: original parents never change.</summary>
public sealed class ProcessNode
{
    public const int ChainDepthShown = 16;

    public required ProcessKey Key { get; init; }
    private readonly PackedHex _processId;
    private readonly PackedHex _ancestryId;

    public required string ProcessId { get => _processId.ToString(); init => _processId = PackedHex.From(value); }
    public required string AncestryId { get => _ancestryId.ToString(); init => _ancestryId = PackedHex.From(value); }
    public required ParentKnowledge Parent { get; init; }
    public ProcessKey? ParentKey => ParentNode?.Key;
    /// <summary>The original parent. Held by reference: an exited ancestor stays reachable while a descendant lives.</summary>
    public ProcessNode? ParentNode { get; init; }
    /// <summary>Human chain of the ancestors, nearest first, as they were when this process was born.</summary>
    public required string ParentChain { get; init; }
    public required ProcessContext Context { get; set; }
    /// <summary>True when the context came from /proc after the fact rather than from exec in the kernel.</summary>
    public bool ContextFromProc { get; set; }
    public long? ExitedBootNs { get; set; }
    public int Depth { get; init; }

    public int PPid => ParentKey?.Tgid ?? (Parent == ParentKnowledge.Root ? 1 : 0);

    /// <summary>Boot time of the last exec seen (0 when only fork or /proc saw it).</summary>
    public long ExecBootNs { get; set; }

    private ProcessNode[]? _execChildren;
    private int _execChildCount;

    /// <summary>The last few children that exec'd (newest last): what a process that holds a connection spawned.</summary>
    public ReadOnlySpan<ProcessNode> ExecChildren => _execChildren is null ? [] : _execChildren.AsSpan(0, Math.Min(_execChildCount, _execChildren.Length));

    /// <summary>A new program in this process: what the old one spawned is not its doing.</summary>
    internal void ForgetExecChildren() => _execChildCount = 0;

    internal void AddExecChild(ProcessNode child)
    {
        _execChildren ??= new ProcessNode[4];
        if (Array.IndexOf(_execChildren, child, 0, Math.Min(_execChildCount, _execChildren.Length)) >= 0)
        {
            return;
        }
        if (_execChildCount < _execChildren.Length)
        {
            _execChildren[_execChildCount++] = child;
            return;
        }
        // Bounded: drop the oldest.
        Array.Copy(_execChildren, 1, _execChildren, 0, _execChildren.Length - 1);
        _execChildren[^1] = child;
    }

    public string Label(string comm) => $"{Key.Tgid}:{comm}[{Key.StartTicks}]";

    /// <summary>"pid:comm[start] &lt;- pid:comm[start] &lt;- ...", nearest first, ending in "1" (init) or "?" (unknown).</summary>
    public string Ancestry(string comm) => $"{Label(comm)} <- {ParentChain}";

    // A shell forks thousands of children: they share one chain string, rebuilt only when its comm changes.
    private string? _chainComm;
    private string? _chain;

    internal string ChainForChildren()
    {
        var comm = Context.Comm;
        if (_chain is not null && _chainComm == comm)
        {
            return _chain;
        }
        var mine = Label(comm);
        _chain = Depth >= ChainDepthShown ? $"{mine} <- ..." : $"{mine} <- {ParentChain}";
        _chainComm = comm;
        return _chain;
    }
}
