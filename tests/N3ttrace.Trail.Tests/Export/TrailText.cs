using System.Text;
using N3ttrace.Trail.Export;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Export;

/// <summary>Trail TSV text built by column name with the writer's own column lists, read back with the export reader.</summary>
internal static class TrailText
{
    public static string Tsv(IReadOnlyList<string> names, params Dictionary<string, string>[] rows)
    {
        var sb = new StringBuilder(string.Join('\t', names)).Append('\n');
        foreach (var r in rows)
        {
            sb.Append(string.Join('\t', names.Select(n => r.GetValueOrDefault(n, "")))).Append('\n');
        }
        return sb.ToString();
    }

    public static List<TrailRow> Read(string text)
    {
        using var ms = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return new TrailReader().Read(ms).ToList();
    }

    public static Dictionary<string, string> Birth(string connId = "c0ffee0000000001") => new()
    {
        ["ts"] = "2026-11-28T01:00:00.000001Z", ["conn_id"] = connId, ["birth"] = "exact", ["resolution_ms"] = "0", ["proto"] = "tcp",
        ["family"] = "ipv4", ["local"] = "10.0.0.5:40000", ["remote_masked"] = "203.0.113.0/24", ["remote_scope"] = "public",
        ["remote_hash"] = "00112233445566778899aabbccddeeff", ["rport"] = "443", ["pid"] = "4242", ["tid"] = "4242", ["ppid"] = "4000",
        ["comm"] = "curl", ["exe"] = "/usr/bin/curl", ["cmdline"] = @"curl -d a\tb https://x", ["cwd"] = "/home/a", ["env_sha256"] = new string('a', 64),
        ["uid"] = "1000", ["gid"] = "1000", ["loginuid"] = "1000", ["session"] = "7", ["tty"] = "pts/1", ["cgroup"] = "/user.slice",
        ["process_id"] = "p1", ["ancestry_id"] = "a1", ["ancestry"] = "4242:curl[500] <- 4000:bash[400] <- 3000:sshd[300] <- 1",
        ["parent"] = "known", ["truncated"] = "", ["facts"] = "", ["purpose"] = "web", ["level"] = "ANOMALY", ["score"] = "40",
        ["reasons"] = "rare parent; new destination", ["source"] = "ebpf",
    };

    public static Dictionary<string, string> Event(string evt, string ts, string connId = "c0ffee0000000001", string level = "ANOMALY") => new()
    {
        ["ts"] = ts, ["event"] = evt, ["conn_id"] = connId, ["birth_ts"] = "2026-11-28T01:00:00.000001Z", ["duration_s"] = "1.500000",
        ["pid"] = "4242", ["comm"] = "curl", ["ancestry_id"] = "a1", ["remote_masked"] = "203.0.113.0/24",
        ["remote_hash"] = "00112233445566778899aabbccddeeff", ["rport"] = "443", ["level"] = level, ["score"] = "40", ["purpose"] = "web",
        ["reasons"] = "rare parent; new destination",
    };

    public static (TrailRow Event, TrailRow Birth) Pair(string evt, string level = "ANOMALY")
    {
        var b = Read(Tsv(BirthRecordColumns.Names, Birth()))[0];
        var e = Read(Tsv(TimelineColumns.Names, Event(evt, "2026-11-28T01:00:01.500001Z", level: level)))[0];
        return (e, b);
    }
}
