using System.Text.Json;
using N3ttrace.Trail.Export;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Export;

/// <summary>Every OCSF event n3ttrace emits is valid against the schema version it declares (test data: the
/// schema repository at tag 1.4.0, Apache-2.0, see OcsfSchema/1.4.0/LICENSE).</summary>
public sealed class OcsfSchemaValidationTests
{
    private static readonly string SchemaRoot = Path.Combine(RepoRoot(), "tests", "N3ttrace.Trail.Tests", "Export", "OcsfSchema", "1.4.0");
    private const string NetworkActivity = "events/network/network_activity.json";

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "N3ttrace.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        }
        return dir;
    }

    private static readonly HostFacts Host = new("host-1", "0123456789abcdef0123456789abcdef", "6f1c2d3e-0000-4000-8000-000000000001", "6.18.0", new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void The_declared_version_is_the_schema_tested_against()
    {
        Assert.Equal(OcsfNetworkActivity.SchemaVersion, new OcsfSchema(SchemaRoot).Version);
    }

    [Fact]
    public void Every_event_of_a_written_trail_is_valid_OCSF_1_4_0()
    {
        var schema = new OcsfSchema(SchemaRoot);
        using var t = new Trail.TrailFixture(events: 3000, seed: 5);
        var trail = TrailWindow.Read(t.Dir, new TimeWindow(DateTime.UnixEpoch, DateTime.UtcNow.AddYears(50)));
        using var ms = new MemoryStream();
        var n = JsonLinesWriter.Write(ms, trail, ExportFormat.Ocsf, "0.1.0", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), host: Host);
        var lines = System.Text.Encoding.UTF8.GetString(ms.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(n, lines.Length);
        Assert.True(n >= 3000, $"only {n} events");
        var events = new HashSet<string>();
        var invalid = new List<string>();
        foreach (var line in lines)
        {
            var e = JsonDocument.Parse(line).RootElement;
            events.Add(e.GetProperty("unmapped").GetProperty("event").GetString()!);
            var errors = schema.Validate(e, NetworkActivity);
            if (errors.Count > 0)
            {
                invalid.Add(string.Join("; ", errors) + "\n  in " + line);
            }
        }
        Assert.True(invalid.Count == 0, $"{invalid.Count} of {n} events invalid, first: {invalid.FirstOrDefault()}");
        Assert.Superset(new HashSet<string> { "birth", "death", "level" }, events);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "n3ttrace-ocsf-validation-count.txt"), $"{n} events valid against OCSF {schema.Version}\n");
    }

    [Theory]
    [InlineData("birth", "THREAT", "stdio-socket +40: shell wired to a socket [T1059.004]")]
    [InlineData("death", "NORMAL", "")]
    [InlineData("fail", "ANOMALY", "rare parent")]
    [InlineData("level", "THREAT", "beacon +45: every 1.0 s [T1071]; first-seen +5: new destination [T1071]")]
    public void Hand_made_events_with_attacks_and_device_are_valid(string evt, string level, string reasons)
    {
        var (e, b) = TrailText.Pair(evt, level);
        var fields = e.Columns().Select(c => c.Name == "reasons" ? reasons : c.Value).ToArray();
        var row = new TrailRow(e.Header, fields, string.Join('\t', fields));
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            OcsfNetworkActivity.Write(w, row, b, "9.9.9", new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc), Host);
        }
        var o = JsonDocument.Parse(ms.ToArray()).RootElement;
        var errors = new OcsfSchema(SchemaRoot).Validate(o, NetworkActivity);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.Equal("host-1", o.GetProperty("device").GetProperty("hostname").GetString());
        Assert.Equal("Linux", o.GetProperty("device").GetProperty("os").GetProperty("name").GetString());
        Assert.Equal(Host.BootId, o.GetProperty("unmapped").GetProperty("boot_id").GetString());
        Assert.Contains("(pid 4242)", o.GetProperty("message").GetString(), StringComparison.Ordinal);
        var techniques = OcsfNetworkActivity.Techniques(reasons);
        if (techniques.Count > 0)
        {
            Assert.Equal(techniques, o.GetProperty("attacks").EnumerateArray().Select(a => a.GetProperty("technique").GetProperty("uid").GetString()));
            Assert.Contains("security_control", o.GetProperty("metadata").GetProperty("profiles").EnumerateArray().Select(p => p.GetString()));
        }
        else
        {
            Assert.False(o.TryGetProperty("attacks", out _));
        }
    }

    [Theory]
    [InlineData("/docker/3f4a9c2b7d1e8f60a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2", "docker", null)]
    [InlineData("/kubepods/burstable/pod0b8c7f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f/3f4a9c2b7d1e8f60a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2", "kubepods", "0b8c7f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f")]
    public void A_container_is_the_process_container_with_its_profile_and_netns_is_unmapped(string cgroup, string runtime, string? pod)
    {
        var (e, b) = TrailText.Pair("birth", "NORMAL");
        var container = N3ttrace.Connections.ContainerRef.Parse(cgroup)!;
        var header = b.Header.ToDictionary(kv => kv.Key, kv => kv.Value);
        var fields = b.Columns().Select(c => c.Value).ToList();
        header[BirthRecordColumns.Container] = fields.Count;
        fields.Add(container.ToString());
        header[BirthRecordColumns.Netns] = fields.Count;
        fields.Add("4026532174");
        var birth = new TrailRow(header, fields.ToArray(), string.Join('\t', fields));
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            OcsfNetworkActivity.Write(w, e, birth, "9.9.9", null, Host);
        }
        var o = JsonDocument.Parse(ms.ToArray()).RootElement;
        var errors = new OcsfSchema(SchemaRoot).Validate(o, NetworkActivity);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.Contains("container", o.GetProperty("metadata").GetProperty("profiles").EnumerateArray().Select(p => p.GetString()));
        var c = o.GetProperty("actor").GetProperty("process").GetProperty("container");
        Assert.Equal(container.Id, c.GetProperty("uid").GetString());
        Assert.Equal(runtime, c.GetProperty("runtime").GetString());
        Assert.Equal(pod, c.TryGetProperty("pod_uuid", out var p) ? p.GetString() : null);
        Assert.Equal(4026532174, o.GetProperty("unmapped").GetProperty("netns").GetInt64());
        // Without the profile declared, the container is refused: the validator sees it.
        var undeclared = o.GetRawText().Replace("\"profiles\":[\"host\",\"container\"]", "\"profiles\":[\"host\"]", StringComparison.Ordinal);
        Assert.NotEqual(o.GetRawText(), undeclared);
        Assert.NotEmpty(new OcsfSchema(SchemaRoot).Validate(JsonDocument.Parse(undeclared).RootElement, NetworkActivity));
    }

    [Fact]
    public void The_validator_catches_unknown_attributes_wrong_types_and_missing_requirements()
    {
        var schema = new OcsfSchema(SchemaRoot);
        var (e, b) = TrailText.Pair("birth", "NORMAL");
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            OcsfNetworkActivity.Write(w, e, b, "9.9.9", null, Host);
        }
        var good = JsonDocument.Parse(ms.ToArray()).RootElement.GetRawText();
        Assert.Empty(schema.Validate(JsonDocument.Parse(good).RootElement, NetworkActivity));
        string[] bad =
        [
            good.Replace("\"dst_endpoint\":{", "\"dst_endpoint\":{\"name\":7,", StringComparison.Ordinal),           // wrong type
            good.Replace("\"class_uid\":4001,", "", StringComparison.Ordinal),                                       // required missing
            good.Replace("\"connection_info\":{", "\"connection_info\":{\"cidr\":\"x\",", StringComparison.Ordinal), // unknown attribute
            good.Replace("\"profiles\":[\"host\"]", "\"profiles\":[]", StringComparison.Ordinal),                    // device/actor without the host profile
            good.Replace("\"duration\":", "\"duration\":\"1\",\"x_duration\":", StringComparison.Ordinal),            // string for a long
        ];
        foreach (var text in bad)
        {
            Assert.NotEqual(good, text);
            Assert.NotEmpty(schema.Validate(JsonDocument.Parse(text).RootElement, NetworkActivity));
        }
    }
}
