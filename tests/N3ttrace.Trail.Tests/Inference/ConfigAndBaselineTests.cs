using N3ttrace.Inference;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Inference;

public class ConfigAndBaselineTests
{
    [Fact]
    public void Rules_file_sets_numbers_replaces_and_extends_lists()
    {
        var c = RulesConfigFile.Parse(
        [
            "# comment",
            "",
            "threat_score = 70",
            "beacon_score_threshold = 0.75",
            "servers = nginx, caddy",
            "shells += yash",
        ], "t.rules");
        Assert.Equal(70, c.ThreatScore);
        Assert.Equal(0.75, c.BeaconScoreThreshold);
        Assert.Equal(["nginx", "caddy"], c.Servers);
        Assert.Contains("yash", c.Shells);
        Assert.Contains("bash", c.Shells);
    }

    [Theory]
    [InlineData("nonsense", "t.rules:1: expected 'key = value'")]
    [InlineData("trheat_score = 1", "t.rules:1: unknown key 'trheat_score'")]
    [InlineData("threat_score = lots", "t.rules:1: threat_score: 'lots' is not a whole number from 0 to 100")]
    [InlineData("anomaly_score = 90", "anomaly_score (90) must not exceed threat_score (60)")]
    public void Bad_rules_files_are_refused_with_the_line(string line, string message) =>
        Assert.Contains(message, Assert.Throws<RulesConfigException>(() => RulesConfigFile.Parse([line], "t.rules")).Message, StringComparison.Ordinal);

    [Fact]
    public void Every_config_key_is_documented_in_the_readme_or_the_detection_reference()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "README.md")))
        {
            dir = Path.GetDirectoryName(dir)!;
        }
        // The README links the reference pages under docs/ (the rules are in docs/inference.md).
        var readme = string.Concat(Directory.GetFiles(Path.Combine(dir, "docs"), "*.md").Order().Prepend(Path.Combine(dir, "README.md")).Select(File.ReadAllText));
        foreach (var key in RulesConfigFile.Keys)
        {
            Assert.Contains($"`{key}`", readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Baseline_persists_across_restarts()
    {
        var path = Directory.CreateTempSubdirectory("n3t-baseline-").FullName;
        try
        {
            var dir = StateDirectory.Open(Path.Combine(path, "state"), create: true);
            using (var b = new HostBaseline(dir, 100))
            {
                Assert.True(b.Learn("/usr/bin/curl", "hashA", DateTime.UtcNow));
                Assert.False(b.Learn("/usr/bin/curl", "hashA", DateTime.UtcNow));
                Assert.True(b.Learn("/usr/bin/wget\tx", "hashA", DateTime.UtcNow));
            }
            using (var b = new HostBaseline(dir, 100))
            {
                Assert.Equal(2, b.Loaded);
                Assert.False(b.Learn("/usr/bin/curl", "hashA", DateTime.UtcNow));
                Assert.False(b.Learn("/usr/bin/wget\tx", "hashA", DateTime.UtcNow));
                Assert.True(b.Learn("/usr/bin/curl", "hashB", DateTime.UtcNow));
            }
            Assert.DoesNotContain("127.0.0.1", File.ReadAllText(Path.Combine(path, "state", HostBaseline.FileName)), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public void Baseline_is_bounded()
    {
        var b = new HostBaseline(2);
        Assert.True(b.Learn("a", "1", DateTime.UtcNow));
        Assert.True(b.Learn("b", "1", DateTime.UtcNow));
        Assert.True(b.Learn("c", "1", DateTime.UtcNow));
        Assert.Equal(2, b.Count);
        Assert.Equal(1, b.Full);
    }

    [Theory]
    [InlineData("/system.slice/apt-daily.service", "apt-daily.service", true, false, false)]
    [InlineData("/system.slice/apt-daily.service/n3t-1", "apt-daily.service", true, false, false)]
    [InlineData("/user.slice/user-1000.slice/session-3.scope", "session-3.scope", false, true, false)]
    [InlineData("/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox.scope", "app-firefox.scope", false, false, true)]
    [InlineData("/", "", false, false, false)]
    [InlineData("", "", false, false, false)]
    public void Cgroup_paths_name_the_unit(string path, string unit, bool service, bool session, bool app)
    {
        var c = CgroupContext.Parse(path);
        Assert.Equal((unit, service, session, app), (c.Unit, c.IsSystemService, c.IsSessionScope, c.IsUserApp));
    }

    [Fact]
    public void Lifetime_quantiles_are_within_one_bin()
    {
        var d = new LifetimeDistribution();
        for (var i = 1; i <= 1000; i++)
        {
            d.Add(i / 100.0); // 0.01 .. 10 s
        }
        Assert.InRange(d.Quantile(0.99), 9.9, 9.9 * 1.26);
        Assert.InRange(d.Quantile(0.5), 5, 5 * 1.26);
    }
}
