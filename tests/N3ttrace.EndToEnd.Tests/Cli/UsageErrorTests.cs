using N3ttrace.EndToEnd.Tests.Export;

namespace N3ttrace.EndToEnd.Tests.Cli;

/// <summary>[operator] Bad numbers and times are one-line usage errors (exit 2) from the real binary, never a stack trace.</summary>
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("run --duration NaN")]
    [InlineData("run --duration 1e309")]
    [InlineData("run --duration Infinity")]
    [InlineData("run --duration -5m")]
    [InlineData("run --seal-interval 1e300")]
    [InlineData("run --seal-interval 0")]
    [InlineData("run --interval NaN")]
    [InlineData("run --refresh 1e-400")]
    [InlineData("run --top many")]
    [InlineData("run --top 99999999999999999999")]
    [InlineData("run --log-max-bytes -1")]
    [InlineData("run --forward-queue 0x10")]
    [InlineData("run --forward syslog+tls://127.0.0.1:6514 --forward-ca /nonexistent/ca.pem")]
    [InlineData("run --forward syslog+tls://127.0.0.1:6514 --forward-ca /etc/hostname")]
    [InlineData("run --forward syslog+tls://127.0.0.1:6514 --forward-ca /proc")]
    [InlineData("run --forward syslog+tls://127.0.0.1:6514 --forward-cert /etc/hostname")]
    [InlineData("run --forward syslog+tls://127.0.0.1:6514 --forward-cert /etc/hostname --forward-key /etc/hostname")]
    [InlineData("run --forward syslog+tcp://127.0.0.1:514 --forward-ca /etc/ssl/certs/ca-certificates.crt")]
    [InlineData("run --forward syslog+tcps://127.0.0.1:514")]
    [InlineData("at -99999999999d")]
    [InlineData("at 9999-12-31T23:59:59Z")]
    [InlineData("at --since 1e309d")]
    [InlineData("query --since -99999999999999999999999w")]
    [InlineData("query --until 0001-01-01T00:00:00Z")]
    [InlineData("query --port 70000")]
    [InlineData("query --uid -1")]
    [InlineData("export --since -1000000000d -o x.jsonl --format jsonl")]
    [InlineData("export --since -1h --until 9999-12-31T23:59:59Z -o x.jsonl --format jsonl")]
    [InlineData("hash-endpoint 1.2.3.4 --ports 0-70000")]
    [InlineData("hash-endpoint 1.2.3.4:99999")]
    public void Bad_values_exit_2_with_one_line(string command)
    {
        var dir = Directory.CreateTempSubdirectory("n3t-usage-").FullName;
        try
        {
            var r = CliProcess.N3ttrace(dir, [.. command.Split(' '), "--state-dir", dir]);
            Assert.True(r.ExitCode == 2, r.ToString());
            var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("Try 'n3ttrace", StringComparison.Ordinal)).ToList();
            Assert.True(lines.Count == 1, r.ToString());
            Assert.StartsWith("n3ttrace: ", lines[0], StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", r.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("query")]
    [InlineData("at now")]
    [InlineData("verify")]
    [InlineData("explain 0123456789abcdef")]
    [InlineData("hash-endpoint 192.0.2.1:22")]
    [InlineData("export --since -1h -o x.jsonl --format jsonl")]
    public void A_missing_trail_exits_1_from_every_reading_command(string command)
    {
        var dir = Directory.CreateTempSubdirectory("n3t-missing-").FullName;
        try
        {
            var r = CliProcess.N3ttrace(dir, [.. command.Split(' '), "--state-dir", Path.Combine(dir, "absent")]);
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("does not exist", r.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("run")]
    [InlineData("doctor")]
    [InlineData("hash-endpoint")]
    [InlineData("verify")]
    [InlineData("at")]
    [InlineData("query")]
    [InlineData("explain")]
    [InlineData("export")]
    [InlineData("completions")]
    [InlineData("man")]
    public void Every_help_has_examples_and_the_exit_codes(string command)
    {
        var r = CliProcess.N3ttrace(Path.GetTempPath(), command, "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Examples:\n  ", r.Stdout, StringComparison.Ordinal);
        Assert.Contains($"n3ttrace {command}", r.Stdout[r.Stdout.IndexOf("Examples:", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Contains("Exit status: 0 ok; 1", r.Stdout, StringComparison.Ordinal);
    }
}
