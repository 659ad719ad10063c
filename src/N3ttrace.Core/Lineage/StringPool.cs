namespace N3ttrace.Lineage;

/// <summary>
/// Shares equal strings between processes: thousands of processes have the same exe, comm,
/// cwd, cgroup, terminal and often environment, and each exec record decodes fresh copies.
/// Bounded: when full it starts over, so a flood of unique values cannot grow it.
/// </summary>
internal sealed class StringPool(int capacity = 16384)
{
    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);

    public string Intern(string s)
    {
        if (s.Length == 0)
        {
            return "";
        }
        if (_pool.TryGetValue(s, out var shared))
        {
            return shared;
        }
        if (_pool.Count >= capacity)
        {
            _pool.Clear();
        }
        _pool[s] = s;
        return s;
    }

    /// <summary>The same context with its repetitive strings shared and an empty truncation list not allocated.</summary>
    public ProcessContext Intern(ProcessContext c) => c with
    {
        Comm = Intern(c.Comm),
        Exe = Intern(c.Exe),
        Cwd = Intern(c.Cwd),
        Tty = Intern(c.Tty),
        Cgroup = Intern(c.Cgroup),
        Truncated = c.Truncated.Count == 0 ? [] : c.Truncated,
    };
}
