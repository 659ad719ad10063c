namespace N3ttrace.Cli.Live;

/// <summary>The keys of the live view: the line always shown at the bottom, and the help screen ? or h opens.</summary>
public static class KeyHelp
{
    public const string KeyLine = "keys: ? help  s sort  p pause  l level filter  q quit";
    public const string CloseLine = "? or h: back to the table  q quit";

    public static readonly IReadOnlyList<string> Lines =
    [
        "n3ttrace live view: keys",
        "",
        "  ? or h   this help (again: back to the table)",
        "  s        sort the table: risk, lifetime, pid (shown in the header as 'sort ...')",
        "  p        pause the picture (capture and the trail go on)",
        "  l        level filter: all, ANOMALY and up, THREAT only (table and recent pane)",
        "  q        stop tracing (like Ctrl-C: the trail is flushed and sealed)",
        "",
        "Recent pane: the last ANOMALY/THREAT connections, newest first, kept after they close.",
        "Take a conn_id from it to 'n3ttrace explain CONN_ID' or 'n3ttrace query --conn-id CONN_ID'.",
        "Filters by process and port: run --live-comm GLOB --live-port PORT; pane size: --recent N.",
        "Header: 'seen' counts every connection since start by the highest level it reached;",
        "'bins' labels the lifetime histogram: each bin's upper bound and its count.",
    ];
}
