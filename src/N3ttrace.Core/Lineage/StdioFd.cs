namespace N3ttrace.Lineage;

/// <summary>
/// One of a process's fds 0, 1, 2: its kind and the object's identity. Two processes with equal
/// (kind, dev, inode) hold the same pipe, FIFO or socket. Dev is the kernel's dev_t (major &lt;&lt; 20 | minor).
/// </summary>
public readonly record struct StdioFd(StdioKind Kind, ulong Inode, uint Dev)
{
    /// <summary>A pipe, FIFO or socket: an object another process can hold the other end of.</summary>
    public bool IsChannel => Kind is StdioKind.Pipe or StdioKind.Fifo or StdioKind.Socket;

    public static uint KernelDev(uint major, uint minor) => (major << 20) | (minor & 0xfffff);

    /// <summary>"pipe:[1234]", "tty", "null": the short form `explain` shows.</summary>
    public override string ToString() => Kind switch
    {
        StdioKind.Pipe or StdioKind.Fifo or StdioKind.Socket => $"{Name(Kind)}:[{Inode}]",
        _ => Name(Kind),
    };

    public static string Name(StdioKind k) => k switch
    {
        StdioKind.None => "closed",
        StdioKind.Tty => "tty",
        StdioKind.Pipe => "pipe",
        StdioKind.Fifo => "fifo",
        StdioKind.Socket => "socket",
        StdioKind.File => "file",
        StdioKind.Null => "null",
        StdioKind.Char => "chardev",
        _ => "other",
    };
}
