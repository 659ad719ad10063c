using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using N3ttrace.Bench.Trail;
using N3ttrace.Connections;
using N3ttrace.Lineage;
using N3ttrace.Trail;
using N3ttrace.Trail.Forwarding;

namespace N3ttrace.Cli.Tests.Json;

/// <summary>
/// One JSON model: a field has the same name and the same JSON type in `query --format json`, `at --format json`,
/// `export --format jsonl`, OCSF's `unmapped` and the syslog forwarder's body. A trail written by the real sink,
/// read back through the real command tree.
/// </summary>
public sealed class JsonModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("n3t-json-").FullName;
    private string State => Path.Combine(_dir, "state");

    public JsonModelTests()
    {
        var dir = StateDirectory.Open(State, create: true);
        var workload = new TrailWorkload(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), seed: 21) { TargetActive = 20 };
        using var sink = new TrailSink(dir, new TrailOptions { UtcNow = workload.Clock, EpochLength = TimeSpan.FromSeconds(60) });
        workload.Run(sink, 600, TimeSpan.FromMilliseconds(20));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Columns whose value is a number in the trail: each output must write them as JSON numbers.
    private static readonly string[] NumbersEverywhere =
        ["pid", "rport", "uid", "gid", "loginuid", "session", "score", "duration_s", "bytes_sent", "bytes_received", "chain_seq", "lifetime_s", "age_s", "resolution_ms", "tid", "ppid"];

    [Fact]
    public void Every_output_names_and_types_a_field_the_same_way()
    {
        var outputs = new Dictionary<string, List<JsonElement>>
        {
            ["query"] = Array(Cli("query", "--format", "json")),
            ["at"] = Array(Cli("at", "--between", "2026-03-01T12:00:00Z", "2026-03-01T12:00:10Z", "--format", "json")),
            ["jsonl"] = Lines(Cli("export", "--format", "jsonl", "--since", "2026-03-01T00:00:00Z")),
            ["ocsf unmapped"] = Lines(Cli("export", "--format", "ocsf", "--since", "2026-03-01T00:00:00Z")).Select(o => o.GetProperty("unmapped")).ToList(),
            ["syslog"] = Syslog(),
        };
        foreach (var (name, objects) in outputs)
        {
            Assert.True(objects.Count > 0, $"{name}: no objects");
        }

        // name -> output -> the JSON kinds seen (null stands for an empty number, so it is not a type of its own).
        var kinds = new SortedDictionary<string, Dictionary<string, HashSet<JsonValueKind>>>(StringComparer.Ordinal);
        foreach (var (output, objects) in outputs)
        {
            foreach (var p in objects.SelectMany(o => o.EnumerateObject()))
            {
                if (!kinds.TryGetValue(p.Name, out var byOutput))
                {
                    kinds[p.Name] = byOutput = [];
                }
                if (!byOutput.TryGetValue(output, out var set))
                {
                    byOutput[output] = set = [];
                }
                if (p.Value.ValueKind != JsonValueKind.Null)
                {
                    set.Add(p.Value.ValueKind);
                }
            }
        }
        var shared = 0;
        foreach (var (field, byOutput) in kinds)
        {
            var all = byOutput.Values.SelectMany(k => k).Distinct().ToList();
            Assert.True(all.Count <= 1, $"{field} has more than one JSON type: " + string.Join(", ", byOutput.Select(o => $"{o.Key}={string.Join('|', o.Value)}")));
            if (NumbersEverywhere.Contains(field))
            {
                Assert.True(all.Count == 0 || all[0] == JsonValueKind.Number, $"{field} is {all.FirstOrDefault()}, not a number");
            }
            shared += byOutput.Count > 1 ? 1 : 0;
        }
        Assert.True(shared >= 15, $"only {shared} fields shared between outputs");

        // The record's own columns carry the same names in the outputs that hold a whole record.
        foreach (var column in BirthRecordColumns.Names.Where(n => n != "ts"))
        {
            foreach (var output in new[] { "query", "jsonl", "syslog" })
            {
                Assert.True(kinds.TryGetValue(column, out var o) && o.ContainsKey(output), $"{output} lacks {column}");
            }
        }
        Assert.Equal(JsonValueKind.Number, outputs["jsonl"].First(o => o.GetProperty("event").GetString() == "death").GetProperty("bytes_sent").ValueKind);
        Assert.Equal(JsonValueKind.Number, outputs["query"].First(o => o.GetProperty("end").GetString() == "death").GetProperty("bytes_received").ValueKind);
        Assert.Equal(-1, outputs["syslog"][0].GetProperty("loginuid").GetInt64());
    }

    [Fact]
    public void No_output_escapes_angle_brackets_or_ampersands()
    {
        foreach (var text in new[] { Cli("query", "--format", "json"), Cli("export", "--format", "jsonl", "--since", "2026-03-01T00:00:00Z"), Encoding.UTF8.GetString(SyslogBody("birth")) })
        {
            Assert.DoesNotContain("\\u003C", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\\u003E", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\\u0026", text, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains("a <- b & c > d", Encoding.UTF8.GetString(SyslogBody("birth")), StringComparison.Ordinal);
    }

    private string Cli(params string[] args)
    {
        var file = Path.Combine(_dir, $"out-{Guid.NewGuid():n}");
        var rc = Program.CreateRoot().Parse([.. args, "--state-dir", State, "-o", file]).Invoke();
        Assert.True(rc == 0, $"n3ttrace {string.Join(' ', args)} exited {rc}");
        return File.ReadAllText(file);
    }

    private static List<JsonElement> Array(string json) => JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();

    private static List<JsonElement> Lines(string jsonl) =>
        jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private static List<JsonElement> Syslog() =>
        new[] { "birth", "level", "death" }.Select(e => JsonDocument.Parse(SyslogBody(e)).RootElement.Clone()).ToList();

    private static byte[] SyslogBody(string evt)
    {
        var birth = new DateTime(2026, 3, 1, 12, 0, 1, DateTimeKind.Utc);
        var c = new Connection
        {
            ConnId = "00000000000000aa",
            SocketKey = 0xaa,
            Source = "ebpf",
            BirthBootNs = 1_000_000_000,
            BirthUtc = birth,
            LocalAddress = IPAddress.Loopback,
            LocalPort = 40000,
            RemoteAddress = IPAddress.Parse("203.0.113.7"),
            RemotePort = 443,
            RemoteMasked = "203.0.113.0/24",
            RemoteScope = "public",
            RemoteHash = "00112233445566778899aabbccddeeff",
            Pid = 4242,
            Comm = "worker",
            Context = new ProcessContext
            {
                Comm = "worker",
                Exe = "/usr/bin/worker",
                Argv = Encoding.UTF8.GetBytes("worker\0a <- b & c > d"),
                Cwd = "/srv",
                EnvSha256 = new string('e', 64),
                Gid = 100,
            },
            ProcessId = "p1092",
            AncestryId = "a1",
            Ancestry = "4242:worker[100] <- 1",
            Facts = [],
        };
        if (evt == "death")
        {
            c.State = ConnectionState.Closed;
            c.EndUtc = birth.AddSeconds(2);
            c.EndBootNs = c.BirthBootNs + 2_000_000_000;
            c.BytesSent = 1234;
            c.BytesReceived = 56789;
        }
        if (evt != "birth")
        {
            c.Verdict = new Verdict("web", 0.5, RiskLevel.Anomaly, 40, ["synthetic +40: a reason [T1071]"]);
        }
        return SyslogForwarder.Body(evt, evt == "death" ? c.EndUtc!.Value : birth, c, c.BirthBootNs + 3_000_000_000);
    }
}
