using System.Globalization;
using N3ttrace.Connections;
using N3ttrace.Time;

namespace N3ttrace.Trail;

/// <summary>
/// The one definition of a birth certificate's columns, as every reader sees it (query, explain, export,
/// forwarding) and as format 1 stored it. Since format 2 the file stores <see cref="StoredNames"/>: the
/// process certificate's columns (<see cref="ProcessCertificateColumns"/>) are referenced by process_cert,
/// the reasons by reasons_id (<see cref="ReasonColumns"/>); format 2 stores no proto (always tcp), format 3 does
/// (tcp or udp); TrailReader joins them back.
/// </summary>
public static class BirthRecordColumns
{
    public static readonly IReadOnlyList<(string Name, Func<Connection, string> Value)> All =
    [
        ("ts", c => c.BirthTs),
        ("conn_id", c => c.ConnId),
        ("birth", c => c.BirthBeforeStart ? "before-start" : c.ResolutionMs > 0 ? "polled" : "exact"),
        ("resolution_ms", c => c.ResolutionMs.ToString(CultureInfo.InvariantCulture)),
        (Proto, c => FlowProtocols.Name(c.Protocol)),
        (Direction, c => FlowDirections.Name(c.Direction)),
        (Holds, c => c.Holds),
        ("family", c => c.Family),
        ("local", c => c.Local),
        ("remote_masked", c => c.RemoteMasked),
        ("remote_scope", c => c.RemoteScope),
        ("remote_hash", c => c.RemoteHash),
        ("rport", c => c.RemotePort.ToString(CultureInfo.InvariantCulture)),
        (Netns, c => c.Netns == 0 ? "" : c.Netns.ToString(CultureInfo.InvariantCulture)),
        ("pid", c => c.Pid.ToString(CultureInfo.InvariantCulture)),
        ("tid", c => c.Tid.ToString(CultureInfo.InvariantCulture)),
        ("ppid", c => c.PPid.ToString(CultureInfo.InvariantCulture)),
        ("comm", c => c.Comm),
        ("exe", c => c.Context.Exe),
        ("cmdline", c => c.Context.CommandLine),
        ("cwd", c => c.Context.Cwd),
        ("env_sha256", c => c.Context.EnvSha256),
        ("uid", c => c.Uid.ToString(CultureInfo.InvariantCulture)),
        ("gid", c => c.Context.Gid.ToString(CultureInfo.InvariantCulture)),
        ("loginuid", c => c.Context.LoginUid.ToString(CultureInfo.InvariantCulture)),
        ("session", c => c.Context.Session.ToString(CultureInfo.InvariantCulture)),
        ("tty", c => c.Context.Tty),
        ("cgroup", c => c.Context.Cgroup),
        (Container, c => c.Container?.ToString() ?? ""),
        ("process_id", c => c.ProcessId),
        ("ancestry_id", c => c.AncestryId),
        ("ancestry", c => c.Ancestry),
        ("parent", c => c.ParentKnowledge.ToString().ToLowerInvariant()),
        ("truncated", c => string.Join(',', c.Context.Truncated)),
        ("facts", c => string.Join(',', c.Facts)),
        ("purpose", c => c.Verdict.Purpose),
        ("level", c => Verdict.LevelName(c.Verdict.Level)),
        ("score", c => c.Verdict.Score.ToString(CultureInfo.InvariantCulture)),
        ("reasons", c => c.Verdict.ReasonsText),
        ("source", c => c.Source),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(c => c.Name).ToArray();

    /// <summary>The columns of format 1 (every birth record complete; no direction yet).</summary>
    public static IReadOnlyList<string> Format1Names { get; } = Names.Where(n => n is not Direction and not Holds and not Netns and not Container).ToArray();

    private static readonly Func<Connection, string>[] Format1Getters = Format1Names.Select(n => All.First(c => c.Name == n).Value).ToArray();

    /// <summary>A format-1 row (a state directory of an earlier release goes on in its format).</summary>
    public static string[] Format1Values(Connection c) => Format1Getters.Select(g => g(c)).ToArray();

    public const string ProcessCert = "process_cert";
    public const string Proto = "proto";
    public const string Tcp = "tcp";
    /// <summary>outbound, inbound or listen; a trail written before the column reads as outbound (<see cref="RowJoin"/>).</summary>
    public const string Direction = "direction";
    /// <summary>An outbound connection's process also held, at birth: inbound, listen, both or nothing (a relay's mark).</summary>
    public const string Holds = "holds";
    /// <summary>The socket's network namespace inode (empty: not known, or a trail written before the column).</summary>
    public const string Netns = "netns";
    /// <summary>runtime:id[;pod=uid] from the process's cgroup path (<see cref="ContainerRef"/>), a process certificate column.</summary>
    public const string Container = "container";

    /// <summary>What birth_records.tsv stores per socket (format 2): what belongs to the socket, not to its process.</summary>
    public static IReadOnlyList<string> StoredNames { get; } =
    [
        .. Names.Where(n => n != "reasons" && !ProcessCertificateColumns.Joined.Contains(n)).TakeWhile(n => n != "purpose"),
        ProcessCert,
        "purpose", "level", "score", ReasonColumns.Id, "source",
    ];

    public const string FailTs = "fail_ts";
    public const string FailS = "fail_s";

    /// <summary>
    /// What birth_records.tsv stores since format 3: the format-2 columns, and for a failed connect when and after how
    /// long it failed (the timeline has no row of its own for it: readers see the fail row as before, see TimelineMerge).
    /// </summary>
    public static IReadOnlyList<string> Format3Names { get; } = [.. StoredNames, FailTs, FailS];

    /// <summary>A format-3 row: the format-2 row, and the failure's time and duration for a failed connect.
    /// Enumerated columns are stored as <see cref="CompactCodes"/>.</summary>
    public static string[] Format3Values(Connection c, string processCert, string reasonsId, bool failed)
    {
        string[] v =
        [
            .. StoredValues(c, processCert, reasonsId),
            failed ? Timestamp.ToRecord(c.EndUtc!.Value) : "",
            failed ? Timestamp.Seconds(c.EndBootNs!.Value - c.BirthBootNs) : "",
        ];
        foreach (var (column, i) in Coded)
        {
            v[i] = CompactCodes.Encode(column, v[i]);
        }
        return v;
    }

    private static readonly (string Column, int Index)[] Coded =
        CompactCodes.Columns.Select(c => (c, Format3Names.ToList().IndexOf(c))).ToArray();

    /// <summary>What format-2 files stored before the direction column (still read, verified and appended to).</summary>
    public static IReadOnlyList<string> StoredNamesBeforeDirection { get; } = StoredNames.Where(n => n is not Direction and not Holds and not Proto and not Netns).ToArray();

    /// <summary>
    /// Headers of format 3 written by earlier releases (before proto, before netns): still read and verified; not
    /// appended to (a file keeps one header), which `run` says at start.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> EarlierFormat3Names { get; } =
    [
        Format3Names.Where(n => n is not Proto and not Netns).ToArray(),
        Format3Names.Where(n => n is not Netns).ToArray(),
    ];

    private static readonly Func<Connection, string>[] StoredOwn =
        StoredNames.Where(n => n != ProcessCert && n != ReasonColumns.Id).Select(n => All.First(c => c.Name == n).Value).ToArray();

    /// <summary>A format-2 row: the socket's own values, the certificate's and the reasons' ids.</summary>
    public static string[] StoredValues(Connection c, string processCert, string reasonsId)
    {
        var v = new string[StoredNames.Count];
        var own = 0;
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = StoredNames[i] switch
            {
                ProcessCert => processCert,
                ReasonColumns.Id => reasonsId,
                _ => StoredOwn[own++](c),
            };
        }
        return v;
    }

    public static string[] Values(Connection c)
    {
        var v = new string[All.Count];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = All[i].Value(c);
        }
        return v;
    }
}
