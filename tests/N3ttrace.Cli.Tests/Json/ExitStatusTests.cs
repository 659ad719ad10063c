using N3ttrace.Bench.Trail;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Tests.Json;

/// <summary>Exit status of the reading commands on a real trail, as --help and docs/configuration.md say:
/// an empty search is 0, nothing to explain or export and no trail are 1.</summary>
public sealed class ExitStatusTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("n3t-exit-").FullName;
    private string State => Path.Combine(_dir, "state");

    public ExitStatusTests()
    {
        var dir = StateDirectory.Open(State, create: true);
        var workload = new TrailWorkload(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), seed: 4) { TargetActive = 10 };
        using var sink = new TrailSink(dir, new TrailOptions { UtcNow = workload.Clock, EpochLength = TimeSpan.FromSeconds(60) });
        workload.Run(sink, 200, TimeSpan.FromMilliseconds(20));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private int Run(string state, params string[] args) =>
        Program.CreateRoot().Parse([.. args, "--state-dir", state]).Invoke(new System.CommandLine.InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null });

    private string Out() => Path.Combine(_dir, $"o-{Guid.NewGuid():n}");

    [Fact]
    public void Found_and_empty_searches_are_0()
    {
        Assert.Equal(0, Run(State, "query", "-o", Out()));
        Assert.Equal(0, Run(State, "query", "--port", "1", "-o", Out()));
        Assert.Equal(0, Run(State, "at", "2026-03-01T12:00:01Z", "-o", Out()));
        Assert.Equal(0, Run(State, "at", "2001-01-01T00:00:00Z", "-o", Out()));
        Assert.Equal(0, Run(State, "verify"));
    }

    [Fact]
    public void Nothing_to_explain_or_export_and_no_trail_are_1()
    {
        Assert.Equal(1, Run(State, "explain", "0123456789abcdef"));
        Assert.Equal(1, Run(State, "export", "--since", "2001-01-01T00:00:00Z", "--until", "2001-01-02T00:00:00Z", "--format", "jsonl", "-o", Out()));
        var none = Path.Combine(_dir, "absent");
        foreach (var args in new[] { new[] { "query" }, ["at", "now"], ["explain", "0123456789abcdef"], ["verify"], ["hash-endpoint", "192.0.2.1:80"],
            ["export", "--since", "-1h", "--format", "jsonl", "-o", Out()], ["tail", "--no-follow"] })
        {
            Assert.True(Run(none, args) == 1, string.Join(' ', args));
        }
    }

    [Fact]
    public void Bad_values_the_handlers_check_are_2()
    {
        Assert.Equal(2, Run(State, "query", "--since", "not a time", "-o", Out()));
        Assert.Equal(2, Run(State, "at", "--between", "2026-03-01T12:00:02Z", "2026-03-01T12:00:01Z"));
        Assert.Equal(2, Run(State, "explain", "xyz"));
        Assert.Equal(2, Run(State, "hash-endpoint", "192.0.2.1:99999"));
    }
}
