using System.Text;
using N3ttrace.Trail.Forwarding;

namespace N3ttrace.Core.Tests.Export;

public class SyslogFormatTests
{
    [Fact]
    public void Rfc5424_header_and_octet_counting()
    {
        var msg = Rfc5424.Format(6, new DateTime(2026, 11, 28, 1, 2, 3, DateTimeKind.Utc).AddTicks(45670), "my host", "n3ttrace", 42, "birth", "{\"a\":1}"u8);
        var text = Encoding.UTF8.GetString(msg);
        Assert.Equal("<110>1 2026-11-28T01:02:03.004567Z myhost n3ttrace 42 birth - {\"a\":1}", text);
        var framed = Encoding.UTF8.GetString(Rfc5424.OctetCounted(msg));
        Assert.Equal($"{msg.Length} {text}", framed);
    }

    [Fact]
    public void Empty_or_unprintable_header_fields_become_nil()
    {
        var text = Encoding.UTF8.GetString(Rfc5424.Format(2, DateTime.UnixEpoch, "\u00e9\t", "n3ttrace", 1, "", "x"u8));
        Assert.StartsWith("<106>1 1970-01-01T00:00:00.000000Z - n3ttrace 1 - - x", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("syslog+tcp://127.0.0.1:514", SyslogTransportKind.Tcp, "127.0.0.1", 514)]
    [InlineData("syslog+udp://collector.example:6514", SyslogTransportKind.Udp, "collector.example", 6514)]
    [InlineData("syslog+tcp://[::1]:1514/", SyslogTransportKind.Tcp, "::1", 1514)]
    public void Parses_forward_targets(string url, SyslogTransportKind kind, string host, int port)
    {
        Assert.True(ForwardTarget.TryParse(url, out var t, out var error), error);
        Assert.Equal(new ForwardTarget(kind, host, port), t);
        Assert.Equal(url.TrimEnd('/'), t!.ToString());
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:514")]
    [InlineData("syslog+tcp://127.0.0.1")]
    [InlineData("syslog+tcp://127.0.0.1:0")]
    [InlineData("syslog+tcp://127.0.0.1:70000")]
    [InlineData("syslog+udp://[::1]514")]
    [InlineData("syslog+tcp://:514")]
    public void Rejects_bad_forward_targets(string url)
    {
        Assert.False(ForwardTarget.TryParse(url, out _, out var error));
        Assert.StartsWith("--forward", error, StringComparison.Ordinal);
    }
}
