using N3ttrace.Connections;

namespace N3ttrace.Cli.Live;

/// <summary>Orders of the live table. Ties fall back to the older connection, then the lower pid, so rows do not flicker.</summary>
public sealed class RowOrder : IComparer<Connection>
{
    public static readonly RowOrder Risk = new(SortMode.Risk);
    public static readonly RowOrder Lifetime = new(SortMode.Lifetime);
    public static readonly RowOrder Pid = new(SortMode.Pid);

    private readonly SortMode _mode;

    private RowOrder(SortMode mode) => _mode = mode;

    public static RowOrder For(SortMode mode) => mode switch
    {
        SortMode.Lifetime => Lifetime,
        SortMode.Pid => Pid,
        _ => Risk,
    };

    /// <summary>Negative when x comes first.</summary>
    public int Compare(Connection? x, Connection? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null || y is null)
        {
            return x is null ? 1 : -1;
        }
        var c = _mode switch
        {
            SortMode.Risk => Chain(y.Verdict.Level.CompareTo(x.Verdict.Level), y.Verdict.Score.CompareTo(x.Verdict.Score)),
            SortMode.Pid => x.Pid.CompareTo(y.Pid),
            _ => 0,
        };
        return Chain(c, x.BirthBootNs.CompareTo(y.BirthBootNs), x.Pid.CompareTo(y.Pid), x.SocketKey.CompareTo(y.SocketKey));
    }

    private static int Chain(params ReadOnlySpan<int> cs)
    {
        foreach (var c in cs)
        {
            if (c != 0)
            {
                return c;
            }
        }
        return 0;
    }
}
