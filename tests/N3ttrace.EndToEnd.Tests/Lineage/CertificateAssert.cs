using System.Globalization;
using System.Security.Cryptography;

namespace N3ttrace.EndToEnd.Tests.Lineage;

/// <summary>Finds a probe's record and checks the certificate fields every lineage test cares about.</summary>
internal static class CertificateAssert
{
    public static string PythonExe { get; } = new FileInfo(Probe.Python).ResolveLinkTarget(true)?.FullName ?? Probe.Python;

    public static Dictionary<string, string> Single(Tracer tracer, int pid, string marker)
    {
        var pidText = pid.ToString(CultureInfo.InvariantCulture);
        var all = tracer.BirthRecords();
        return Assert.Single(all, r => r["pid"] == pidText && r["cmdline"].Contains(marker, StringComparison.Ordinal));
    }

    /// <summary>cmdline, cwd, env_sha256, exe, process_id, and the context the probe reported about itself.</summary>
    public static void Exact(Dictionary<string, string> rec, Probe probe, string role)
    {
        Assert.Equal(probe.CommandLine, rec["cmdline"]);
        Assert.Equal(probe.Cwd, rec["cwd"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(probe.EnvBlock)), rec["env_sha256"]);
        Assert.Equal(PythonExe, rec["exe"]);
        Assert.Equal(ByHand.ProcessId(probe.Pid(role), probe.Start(role)), rec["process_id"]);
        Assert.Equal(probe[$"{role}.sid"], rec["session"]);
        Assert.Equal(probe[$"{role}.tty"], rec["tty"]);
        Assert.Equal(probe[$"{role}.cgroup"], rec["cgroup"]);
        var loginuid = probe[$"{role}.loginuid"];
        Assert.Equal(loginuid == "4294967295" ? "-1" : loginuid, rec["loginuid"]);
        Assert.Equal("0", rec["uid"]);
        Assert.Equal("0", rec["gid"]);
        Assert.Equal("ebpf", rec["source"]);
    }
}
