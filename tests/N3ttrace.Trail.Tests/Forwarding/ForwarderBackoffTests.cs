using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using N3ttrace.Core.Tests.Inference;
using N3ttrace.Trail.Forwarding;

namespace N3ttrace.Core.Tests.Forwarding;

/// <summary>[integrity] A collector that is down: retries back off whatever the record rate, and n3ttrace's own connections never enter the queue.</summary>
public class ForwarderBackoffTests
{
    private static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [Fact]
    public void Records_arriving_do_not_wake_the_backoff()
    {
        Assert.True(ForwardTarget.TryParse($"syslog+tcp://127.0.0.1:{ClosedPort()}", out var target, out _));
        using var f = new SyslogForwarder(target!, NullLogger.Instance, capacity: 100_000, maxBackoff: TimeSpan.FromSeconds(1));
        var node = Make.Node(Make.Ctx("/usr/bin/curl", ["curl"]));
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        var n = 0;
        while (DateTime.UtcNow < end)
        {
            // About 1,000 records a second, as a busy host makes them.
            f.OnBirth(Make.Conn(node));
            n++;
            Thread.Sleep(1);
        }
        var s = f.Stop(TimeSpan.Zero);
        Assert.Equal(n, s.Records);
        // 100, 200, 400, 800 ms then 1 s (each jittered to 50-100%): about 5 to 9 attempts in 3 s, fewer when parallel tests starve the sender; never hundreds.
        Assert.InRange(s.ConnectAttempts, 1, 12);
        Assert.Equal(0, s.Sent);
        Assert.Equal(n, s.DroppedAtStop);
    }

    [Fact]
    public void Own_connections_are_counted_not_forwarded()
    {
        Assert.True(ForwardTarget.TryParse($"syslog+tcp://127.0.0.1:{ClosedPort()}", out var target, out _));
        using var f = new SyslogForwarder(target!, NullLogger.Instance, capacity: 10);
        var ctx = Make.Ctx("/usr/sbin/n3ttrace", ["n3ttrace", "run"]);
        var self = new N3ttrace.Lineage.ProcessNode
        {
            Key = new N3ttrace.Lineage.ProcessKey(Environment.ProcessId, 1),
            ProcessId = "self",
            AncestryId = "self",
            Parent = N3ttrace.Lineage.ParentKnowledge.Root,
            ParentChain = "",
            Context = ctx,
        };
        var own = Make.Conn(self);
        for (var i = 0; i < 50; i++)
        {
            f.OnBirth(own);
        }
        var s = f.Stop(TimeSpan.Zero);
        Assert.Equal(50, s.OwnSkipped);
        Assert.Equal(0, s.Records);
        Assert.Equal(0, s.DroppedQueueFull);
    }
}
