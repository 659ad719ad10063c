using System.Globalization;
using System.Text.Json;

namespace N3ttrace.Trail.Fleet;

/// <summary>
/// `verify --against`: the chain heads a host shipped are compared with its trail now. A row's chain head covers every
/// row before it, so a shipped head at seq N that the local file no longer has at N (another head, no head there, or the
/// file ending before N) means the history up to N was rewritten or truncated after it was shipped, even when the
/// rewrite re-chained and re-sealed everything with the host's own keys and passes local `verify`.
/// </summary>
public static class ChainAnchor
{
    public sealed record Mismatch(string File, long Seq, string Shipped, string Local);

    public sealed record Result(long Compared, IReadOnlyList<Mismatch> Mismatches);

    public static Result Compare(StateDirectory dir, ClickHouseClient client, string host)
    {
        var shipped = new Dictionary<(string File, long Seq), string>();
        foreach (var line in client.Lines($"SELECT file, chain_seq, chain_head FROM {client.Target.Database}.chain_heads FINAL WHERE host = {FleetSql.Quote(host)}"))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            var seq = r.GetProperty("chain_seq") is { ValueKind: JsonValueKind.String } s ? long.Parse(s.GetString()!, CultureInfo.InvariantCulture) : r.GetProperty("chain_seq").GetInt64();
            shipped[(r.GetProperty("file").GetString()!, seq)] = r.GetProperty("chain_head").GetString()!;
        }
        var mismatches = new List<Mismatch>();
        foreach (var (file, name) in new[] { (TrailShipper.BirthsFile, StateDirectory.BirthRecordsFile), (TrailShipper.TimelineFile, StateDirectory.TimelineFile) })
        {
            var wanted = shipped.Where(kv => kv.Key.File == file).ToDictionary(kv => kv.Key.Seq, kv => kv.Value);
            if (wanted.Count == 0)
            {
                continue;
            }
            var found = new HashSet<long>();
            if (dir.FileExists(name))
            {
                using var stream = TrailReader.OpenShared(dir.FilePath(name));
                foreach (var row in new TrailReader().Read(stream))
                {
                    if (long.TryParse(row["chain_seq"], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && wanted.TryGetValue(seq, out var head))
                    {
                        found.Add(seq);
                        var local = row[ChainColumns.Head] is { Length: > 0 } h ? h : row[ChainColumns.Hash];
                        if (local != head)
                        {
                            mismatches.Add(new Mismatch(file, seq, head, local));
                        }
                    }
                }
            }
            foreach (var seq in wanted.Keys.Where(s => !found.Contains(s)).Order())
            {
                mismatches.Add(new Mismatch(file, seq, wanted[seq], "(no such row: truncated)"));
            }
        }
        return new Result(shipped.Count, mismatches);
    }
}
