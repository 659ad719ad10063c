using System.Net;
using System.Text;
using N3ttrace.Connections;
using N3ttrace.Lineage;
using N3ttrace.Privacy;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>Connections as the pipeline hands them to sinks, for feeding the real forwarder a known sequence.</summary>
internal static class SampleConnection
{
    private static readonly EndpointPrivacy Privacy = new(new byte[32]);

    public static Connection Make(string connId, string marker)
    {
        var remote = IPAddress.Parse("203.0.113.9");
        var now = DateTime.UtcNow;
        return new Connection
        {
            ConnId = connId,
            SocketKey = 1,
            Source = "ebpf",
            BirthBootNs = 1,
            BirthUtc = now,
            LocalAddress = IPAddress.Loopback,
            LocalPort = 40000,
            RemoteAddress = remote,
            RemotePort = 443,
            RemoteMasked = EndpointPrivacy.Mask(remote),
            RemoteScope = EndpointPrivacy.ScopeName(EndpointPrivacy.Scope(remote)),
            RemoteHash = Privacy.Hash(remote, 443),
            Pid = 4242,
            Comm = "curl",
            Context = new ProcessContext
            {
                Comm = "curl",
                Exe = "/usr/bin/curl",
                Argv = Encoding.UTF8.GetBytes($"curl\0{marker}\0"),
                Cwd = "/tmp",
                EnvSha256 = new string('0', 64),
            },
            ProcessId = "p",
            AncestryId = "a",
            Ancestry = "4242:curl[1] <- 1",
            Facts = [],
        };
    }
}
