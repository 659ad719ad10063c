using N3ttrace.Trail.Export;

namespace N3ttrace.Trail.Fleet;

/// <summary>
/// The fleet's tables in ClickHouse. A row carries the trail's own record model (the keys of <see cref="FlatRecordJson"/>,
/// so `query --format json` and a fleet row have the same fields) plus where and when: host, boot_id, the day it is
/// partitioned by, a DateTime for pruning and the time in microseconds as UInt64 (18.16 has no DateTime64, no TTL:
/// retention is `ALTER TABLE … DROP PARTITION`). Every table is a ReplacingMergeTree whose sort key is its
/// deduplication key, so a batch shipped twice (at-least-once) leaves one row after merges or with FINAL.
/// </summary>
public static class FleetSchema
{
    public const string Connections = "connections";
    public const string Processes = "processes";
    public const string VerdictChanges = "verdict_changes";
    public const string Gaps = "gaps";
    public const string ChainHeads = "chain_heads";

    /// <summary>Where and when, on every table.</summary>
    private static readonly (string, string)[] Placement =
        [("host", "String"), ("boot_id", "String"), ("day", "Date"), ("time", "DateTime('UTC')"), ("ts_us", "UInt64")];

    /// <summary>The record's own columns as ClickHouse types: FlatRecordJson's numbers as Nullable numbers (null when empty),
    /// reasons and the ATT&amp;CK ids they cite as arrays, the rest as the trail's escaped text.</summary>
    public static IEnumerable<(string Name, string Type)> RecordColumns(IEnumerable<string> names)
    {
        foreach (var n in names)
        {
            if (n == ReasonColumns.Text)
            {
                yield return (n, "Array(String)");
                yield return ("attack_ids", "Array(String)");
            }
            else if (FlatRecordJson.IsNumeric(n))
            {
                yield return (n, n is "duration_s" or "lifetime_s" or "age_s" ? "Nullable(Float64)" : "Nullable(Int64)");
            }
            else
            {
                yield return (n, "String");
            }
        }
    }

    /// <summary>What a connection row holds: the birth certificate, and on end rows the timeline's end columns.</summary>
    public static readonly IReadOnlyList<string> ConnectionFields =
        [.. BirthRecordColumns.Names, "event", "birth_ts", "duration_s", TimelineColumns.BytesSent, TimelineColumns.BytesReceived, "chain_seq"];

    public static readonly IReadOnlyList<FleetTable> Tables =
    [
        // One row per (host, conn_id, event): event birth (the full certificate), fail or death (end time, lifetime, bytes).
        // Hunting filters on host and event first; the day partition prunes by time.
        new(Connections, [.. Placement, .. RecordColumns(ConnectionFields)], "host, event, conn_id"),
        new(Processes, [.. Placement, .. RecordColumns(["pid", "ppid", "uid", "comm", .. ProcessCertificateColumns.Joined])], "host, process_id"),
        new(VerdictChanges, [.. Placement, .. RecordColumns([.. TimelineColumns.Names, "chain_seq"])], "host, conn_id, ts_us"),
        new(Gaps, [.. Placement, ("file", "String"), ("cause", "String"), ("records", "Nullable(Int64)"), ("from_us", "UInt64"), ("to_us", "UInt64"),
            ("chain_seq", "Int64"), ("chain_event", "String")], "host, file, chain_seq"),
        new(ChainHeads, [.. Placement, ("file", "String"), ("chain_seq", "Int64"), ("chain_head", "String"), ("chain_event", "String")], "host, file, chain_seq"),
    ];

    /// <summary>The statements of `fleet init` on one server.</summary>
    public static IEnumerable<string> SingleNode(string db)
    {
        yield return $"CREATE DATABASE IF NOT EXISTS {db}";
        foreach (var t in Tables)
        {
            yield return Create(db, t.Name, t, "ReplacingMergeTree()");
        }
    }

    /// <summary>
    /// The statements for a sharded, replicated cluster: on every node a ReplicatedReplacingMergeTree table NAME_local
    /// (macros {shard} and {replica} from the node's config), and a Distributed table NAME over them, sharded by host so
    /// all of one host's rows (and their duplicates) land on one shard, where FINAL can remove them.
    /// </summary>
    public static IEnumerable<string> Cluster(string db, string cluster)
    {
        yield return $"CREATE DATABASE IF NOT EXISTS {db} ON CLUSTER {cluster}";
        foreach (var t in Tables)
        {
            yield return Create(db, t.Name + "_local", t, $"ReplicatedReplacingMergeTree('/clickhouse/tables/{{shard}}/{db}/{t.Name}', '{{replica}}')", cluster);
            yield return $"CREATE TABLE IF NOT EXISTS {db}.{t.Name} ON CLUSTER {cluster} AS {db}.{t.Name}_local\n" +
                $"ENGINE = Distributed({cluster}, {db}, {t.Name}_local, cityHash64(host))";
        }
    }

    /// <summary>The Distributed tables alone (over NAME_local tables that exist), for a cluster without replication.</summary>
    public static string Create(string db, string name, FleetTable t, string engine, string? cluster = null) =>
        $"CREATE TABLE IF NOT EXISTS {db}.{name}{(cluster is null ? "" : " ON CLUSTER " + cluster)}\n(\n" +
        string.Join(",\n", t.Columns.Select(c => $"    {c.Name} {c.Type}")) +
        $"\n)\nENGINE = {engine}\nPARTITION BY day\nORDER BY ({t.OrderBy})";

}
