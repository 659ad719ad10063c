using System.Text;
using N3ttrace.Cli.Commands;
using N3ttrace.Fuzz.Tests.Harness;
using N3ttrace.Privacy;

namespace N3ttrace.Fuzz.Tests.Targets;

/// <summary>
/// hash-endpoint's inputs: ENDPOINT (one per line of the input) and --ports (the first line). Parsing never throws,
/// a parsed endpoint masks and hashes, and a port list costs memory bounded by the 65,535 ports there are,
/// whatever its length.
/// </summary>
public sealed class HashEndpointTarget : IFuzzTarget
{
    /// <summary>What any port list may cost: every port once as an int, the list's doublings before it, and change.</summary>
    private const long PortListBytes = 1024 * 1024;

    private readonly EndpointPrivacy _privacy = new(new byte[32]);

    public string Name => "hash-endpoint";

    public IEnumerable<byte[]> GeneratedSeeds() =>
        new[]
        {
            "22,443,8000-8100\n1.2.3.4:443\n[2001:db8::1]:22\n10.0.0.1\n",
            "1-65535\n::1\n[fe80::1%eth0]:80\n127.0.0.1:65535\n",
            "80\n0.0.0.0:1\n[::ffff:192.0.2.1]:8080\n169.254.1.1:53\n",
        }.Select(Encoding.UTF8.GetBytes);

    public void Execute(byte[] input)
    {
        var lines = Encoding.UTF8.GetString(input).Split('\n');
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ports = HashEndpointCommand.ParsePorts(lines[0]);
        var cost = GC.GetAllocatedBytesForCurrentThread() - before;
        if (cost > PortListBytes + 64L * lines[0].Length)
        {
            throw new FuzzFinding($"memory: --ports of {lines[0].Length} chars allocated {cost} bytes");
        }
        if (ports is not null && ports.Any(p => p is < 1 or > 65535))
        {
            throw new FuzzFinding("port out of range");
        }
        foreach (var line in lines.Skip(1))
        {
            if (HashEndpointCommand.TryParseEndpoint(line, out var address, out var port))
            {
                if (port is < 0 or > 65535)
                {
                    throw new FuzzFinding($"port {port} from '{line}'");
                }
                _ = EndpointPrivacy.Mask(address);
                _ = EndpointPrivacy.Scope(address);
                if (_privacy.Hash(address, Math.Max(port, 1)).Length != EndpointPrivacy.HashHexLength)
                {
                    throw new FuzzFinding("hash length");
                }
            }
        }
    }
}
