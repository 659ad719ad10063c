using System.Net;
using System.Text;
using N3ttrace.Connections;
using N3ttrace.Lineage;

namespace N3ttrace.Core.Tests.Live;

/// <summary>Connections as the pipeline builds them, with only the fields a test cares about chosen.</summary>
internal static class Connections
{
    public static Connection Make(long birthNs, int pid = 4242, string comm = "curl", string argv = "curl\0http://x\0",
        RiskLevel level = RiskLevel.Normal, int score = 0, string cwd = "/tmp", string purpose = "web", bool beforeStart = false) =>
        new()
        {
            ConnId = $"c{birthNs:x}{pid}",
            SocketKey = (ulong)birthNs,
            Source = "ebpf",
            BirthBootNs = birthNs,
            BirthUtc = DateTime.UnixEpoch.AddTicks(birthNs / 100),
            BirthBeforeStart = beforeStart,
            LocalAddress = IPAddress.Loopback,
            LocalPort = 40000 + (pid % 20000),
            RemoteAddress = IPAddress.Parse("203.0.113.7"),
            RemotePort = 443,
            RemoteMasked = "203.0.113.0/24",
            RemoteScope = "public",
            RemoteHash = "00112233445566778899aabbccddeeff",
            Pid = pid,
            Comm = comm,
            Context = new ProcessContext
            {
                Comm = comm,
                Exe = "/usr/bin/" + comm,
                Argv = Encoding.UTF8.GetBytes(argv),
                Cwd = cwd,
                EnvSha256 = "",
            },
            ProcessId = "p",
            AncestryId = "0123456789abcdef0123456789abcdef",
            Ancestry = "",
            Facts = [],
            Verdict = new Verdict(purpose, 0.5, level, score, []),
        };

    public static Connection End(Connection c, long endNs)
    {
        c.State = ConnectionState.Closed;
        c.EndBootNs = endNs;
        return c;
    }
}
