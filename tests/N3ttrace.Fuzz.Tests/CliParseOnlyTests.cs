using System.Net;
using System.Net.Sockets;
using N3ttrace.Fuzz.Tests.Targets;

namespace N3ttrace.Fuzz.Tests;

/// <summary>
/// The CLI fuzzer runs mutated command lines as root: `ship`, `fleet` and `verify --against` are parsed only, so none of
/// them reaches a network (here: a listener on loopback that the command lines name, which must see no connection).
/// </summary>
public sealed class CliParseOnlyTests : IDisposable
{
    private readonly CliTarget _cli = new();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public CliParseOnlyTests() => _listener.Start();

    [Fact]
    public void Ship_fleet_and_verify_against_never_connect()
    {
        var url = $"clickhouse://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/fuzz";
        string[][] lines =
        [
            ["ship", "--clickhouse", url],
            ["fleet", "init", "--clickhouse", url],
            ["fleet", "query", "--clickhouse", url, "--level", "THREAT"],
            ["fleet", "at", "now", "--clickhouse", url],
            ["fleet", "top", "--clickhouse", url],
            ["verify", "--against", url],
            ["run", "--ship", url],
        ];
        foreach (var args in lines)
        {
            var (code, output) = _cli.Invoke(args);
            Assert.True(code is 0 or 1 or 2, $"[{string.Join(' ', args)}]: exit {code}: {output}");
            Assert.False(_listener.Pending(), $"[{string.Join(' ', args)}] connected to the listener");
        }
        // The listener does see a connection (the check above can fail).
        using var probe = new TcpClient();
        probe.Connect(IPAddress.Loopback, ((IPEndPoint)_listener.LocalEndpoint).Port);
        Assert.True(SpinWait.SpinUntil(_listener.Pending, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Only_those_are_parse_only()
    {
        var root = N3ttrace.Cli.Program.CreateRoot();
        Assert.True(CliTarget.IsParseOnly(root.Parse(["fleet", "query", "--level", "THREAT"])));
        Assert.True(CliTarget.IsParseOnly(root.Parse(["verify", "--against", "clickhouse://127.0.0.1:1/x"])));
        // The local `query` (a fleet subcommand's namesake) and a local `verify` still run for real.
        Assert.False(CliTarget.IsParseOnly(root.Parse(["query", "--level", "THREAT"])));
        Assert.False(CliTarget.IsParseOnly(root.Parse(["verify"])));
    }

    public void Dispose()
    {
        _listener.Stop();
        _cli.Dispose();
    }
}
