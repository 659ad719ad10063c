using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using N3ttrace.Lineage;
using N3ttrace.Privacy;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>The birth certificate fields every capture mode must get right for a <see cref="Connector"/> child.</summary>
internal static class CertificateAssert
{
    public static void SameProcessAndEndpoint(IReadOnlyDictionary<string, string> rec, Connector child, string cwd,
        IPAddress address, int port, string mask, string family, string stateDir)
    {
        var secret = File.ReadAllBytes(Path.Combine(stateDir, "host.key"));
        var bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        Assert.Equal(child.Pid.ToString(CultureInfo.InvariantCulture), rec["pid"]);
        Assert.Equal(child.CommandLine, rec["cmdline"]);
        Assert.Equal(cwd, rec["cwd"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(child.EnvBlock)), rec["env_sha256"]);
        Assert.Equal(Path.GetFullPath(new FileInfo(Connector.Python).ResolveLinkTarget(true)?.FullName ?? Connector.Python), rec["exe"]);
        Assert.Equal("python3", rec["comm"]);
        Assert.Equal("tcp", rec["proto"]);
        Assert.Equal(family, rec["family"]);
        Assert.Equal(EndpointPrivacy.Canonical(address, child.LocalPort), rec["local"]);
        Assert.Equal(mask, rec["remote_masked"]);
        Assert.Equal("loopback", rec["remote_scope"]);
        Assert.Equal(port.ToString(CultureInfo.InvariantCulture), rec["rport"]);
        Assert.Equal(new EndpointPrivacy(secret).Hash(address, port), rec["remote_hash"]);
        Assert.Equal("0", rec["uid"]);
        Assert.Equal(new ProcessIdentity(bootId).ProcessId(new ProcessKey(child.Pid, child.StartTicks)), rec["process_id"]);
        Assert.Matches("^[0-9a-f]{32}$", rec["ancestry_id"]);
        Assert.Equal("", rec["truncated"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", rec["ts"]);
    }

    /// <summary>No file of the state directory holds the raw remote endpoint.</summary>
    public static void NoRawEndpoint(string stateDir, IPAddress address, int port)
    {
        foreach (var f in Directory.GetFiles(stateDir))
        {
            Assert.DoesNotContain(EndpointPrivacy.Canonical(address, port), File.ReadAllText(f));
        }
    }
}
