namespace N3ttrace.Lineage;

/// <summary>What one of fd 0, 1, 2 is. Values are the kernel's (enum n3t_fd_kind in bpf/n3ttrace.h).</summary>
public enum StdioKind : byte
{
    None = 0,
    Tty = 1,
    Pipe = 2,
    Fifo = 3,
    Socket = 4,
    File = 5,
    Null = 6,
    Char = 7,
    Other = 8,
}
