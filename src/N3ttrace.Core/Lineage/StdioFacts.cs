namespace N3ttrace.Lineage;

/// <summary>What fds 0, 1, 2 of a process were at exec (or when /proc was read): how its stdio is wired.</summary>
public readonly record struct StdioFacts(StdioFd In, StdioFd Out, StdioFd Err)
{
    public static StdioFacts Unknown => default;

    public bool IsKnown => In.Kind != StdioKind.None || Out.Kind != StdioKind.None || Err.Kind != StdioKind.None;

    public StdioFd this[int fd] => fd switch { 0 => In, 1 => Out, _ => Err };

    /// <summary>Bit i set when fd i is a socket.</summary>
    public int SocketBits => (In.Kind == StdioKind.Socket ? 1 : 0) | (Out.Kind == StdioKind.Socket ? 2 : 0) | (Err.Kind == StdioKind.Socket ? 4 : 0);

    /// <summary>A pipe or FIFO on stdin or stdout: another process may be at the other end.</summary>
    public bool HasPipe => In.Kind is StdioKind.Pipe or StdioKind.Fifo || Out.Kind is StdioKind.Pipe or StdioKind.Fifo;

    public bool AnyTty => In.Kind == StdioKind.Tty || Out.Kind == StdioKind.Tty || Err.Kind == StdioKind.Tty;

    /// <summary>"0=pipe:[12] 1=socket:[34] 2=tty".</summary>
    public override string ToString() => $"0={In} 1={Out} 2={Err}";
}
