namespace N3ttrace.Cli.Live;

/// <summary>Row order of the live table; `s` cycles through them in this order.</summary>
public enum SortMode
{
    Risk,
    Lifetime,
    Pid,
}
