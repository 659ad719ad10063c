namespace N3ttrace.Lineage;

/// <summary>
/// What a process was at exec: the kernel's truth, immutable, shared by forks until they exec.
/// All strings are raw (unescaped); escaping happens only when text leaves the process.
/// </summary>
public sealed record ProcessContext
{
    public required string Comm { get; init; }
    public required string Exe { get; init; }
    public bool ExeDeleted { get; init; }
    /// <summary>argv memory was rewritten after exec (seen at connect); <see cref="Argv"/> still holds argv at exec.</summary>
    public bool ArgvOverwritten { get; init; }
    /// <summary>argv as the kernel stored it: arguments separated by NUL.</summary>
    public required byte[] Argv { get; init; }
    public required string Cwd { get; init; }
    private readonly PackedHex _envSha256;

    /// <summary>SHA-256 of the environment block, lowercase hex (kept packed: one per process adds up).</summary>
    public required string EnvSha256 { get => _envSha256.ToString(); init => _envSha256 = PackedHex.From(value); }
    public string Tty { get; init; } = "";
    public int Session { get; init; }
    /// <summary>-1 when unset (4294967295 in the kernel).</summary>
    public long LoginUid { get; init; } = -1;
    public uint Uid { get; init; }
    public uint Gid { get; init; }
    public string Cgroup { get; init; } = "";
    /// <summary>Bit i set when fd i (stdin, stdout, stderr) was a socket at exec.</summary>
    public int StdioSockets { get; init; }
    /// <summary>What fds 0, 1, 2 were at exec (kernel) or when /proc was read (fallback); default when unknown.</summary>
    public StdioFacts Stdio { get; init; }
    /// <summary>Names of fields that were cut or could not be read: argv, env, cwd, exe.</summary>
    public IReadOnlyList<string> Truncated { get; init; } = [];

    /// <summary>argv joined by spaces, as ps shows it.</summary>
    /// <remarks>Joined once per argv block (shared by forks and `with` copies): every birth record asks for it.</remarks>
    public string CommandLine => JoinedArgv.GetValue(Argv, static a => ArgvText.Join(a));

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<byte[], string> JoinedArgv = new();

    public string Argv0 => ArgvText.First(Argv);
}
