using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using N3ttrace.Core.Tests.Lineage;
using N3ttrace.Events;
using N3ttrace.Lineage;
using N3ttrace.Pipeline;
using N3ttrace.Privacy;
using N3ttrace.Time;

namespace N3ttrace.Core.Tests.Pipeline;

/// <summary>The cached and reused parts of a birth (conn id digest, endpoint text) give what the recipes say.</summary>
public class BirthFieldsTests
{
    [Fact]
    public void Conn_ids_and_endpoint_fields_follow_their_recipes_birth_after_birth()
    {
        var secret = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
        var sink = new BirthSink();
        var pipeline = new EventPipeline("ebpf", new ProcessTable(new ProcessIdentity("b00t"), new NoProcesses()),
            new EndpointPrivacy(secret), new BootClock(), [sink], new NoVerdicts(), NullLogger.Instance);
        var remotes = new[] { "127.0.0.1", "203.0.113.77", "127.0.0.1", "2001:db8::5", "203.0.113.77" };
        for (var i = 0; i < remotes.Length; i++)
        {
            var ep = new SocketEndpoints(IPAddress.Loopback, 40000 + i, IPAddress.Parse(remotes[i]), 443);
            pipeline.Handle(new ConnectionOpened(1_000_000L * (i + 1), (ulong)(0xffff0000 + i), ep, null, 1_000_500L * (i + 1), false, 0));
        }
        Assert.Equal(remotes.Length, sink.Births.Count);
        var privacy = new EndpointPrivacy(secret);
        for (var i = 0; i < remotes.Length; i++)
        {
            var c = sink.Births[i];
            var recipe = SHA256.HashData(Encoding.ASCII.GetBytes($"n3ttrace:conn:v1:b00t:ebpf:{0xffff0000 + i}:{1_000_000L * (i + 1)}"));
            Assert.Equal(Convert.ToHexStringLower(recipe)[..16], c.ConnId);
            var ip = IPAddress.Parse(remotes[i]);
            Assert.Equal(privacy.Hash(ip, 443), c.RemoteHash);
            Assert.Equal(EndpointPrivacy.Mask(ip), c.RemoteMasked);
            Assert.Equal(EndpointPrivacy.ScopeName(EndpointPrivacy.Scope(ip)), c.RemoteScope);
        }
    }
}
