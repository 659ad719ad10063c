using System.Globalization;

namespace N3ttrace.EndToEnd.Tests.Lineage;

/// <summary>[lineage]: processes that connect and exit at once still get their exact certificate.</summary>
public class ShortLivedTests
{
    [BpfFact]
    public async Task Connect_and_exit_at_once_keeps_every_field_exact()
    {
        using var listener = new LoopbackListener();
        var run = $"m-{Guid.NewGuid():N}";
        await using var tracer = await Tracer.StartAsync();
        var probes = new List<(Probe Probe, string Marker)>();
        for (var i = 0; i < 8; i++)
        {
            var marker = $"{run}-{i}";
            var cwd = Directory.CreateTempSubdirectory($"n3t-cwd {i}-").FullName; // a space, escaped in the trail
            var p = new Probe("connect", listener.Port, marker, cwd, [("N3T_MARKER", marker), ("N", new string('x', i * 100)), ("LANG", "C")]);
            p.WaitExit();
            probes.Add((p, marker));
        }
        Assert.Equal(0, await tracer.StopAsync());

        var hostAncestry = ByHand.AncestryOfLive(Environment.ProcessId);
        foreach (var (p, marker) in probes)
        {
            var rec = CertificateAssert.Single(tracer, p.Pid("P"), marker);
            CertificateAssert.Exact(rec, p, "P");
            Assert.Equal("python3", rec["comm"]);
            Assert.Equal(p["P.lport"], rec["local"].Split(':')[^1]);
            Assert.Equal(ByHand.AncestryId(rec["process_id"], hostAncestry), rec["ancestry_id"]);
            Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), rec["ppid"]);
            Assert.Equal("known", rec["parent"]);
            Assert.StartsWith($"{p.Pid("P")}:python3[{p.Start("P")}] <- {Environment.ProcessId}:", rec["ancestry"], StringComparison.Ordinal);
            Assert.Equal("", rec["truncated"]);
            Assert.Equal("", rec["facts"]);
            p.Dispose();
        }
    }

    [BpfFact]
    public async Task Cwd_changed_after_exec_is_the_cwd_at_connect()
    {
        using var listener = new LoopbackListener();
        var marker = $"m-{Guid.NewGuid():N}";
        var start = Directory.CreateTempSubdirectory("n3t-start-").FullName;
        var moved = Directory.CreateTempSubdirectory("n3t-moved-").FullName;
        await using var tracer = await Tracer.StartAsync();
        using var p = new Probe("chdir", listener.Port, marker, start, [("N3T_MARKER", marker)], arg: moved);
        p.WaitExit();
        Assert.Equal(0, await tracer.StopAsync());
        var rec = CertificateAssert.Single(tracer, p.Pid("P"), marker);
        Assert.Equal(moved, rec["cwd"]);
    }

    [BpfFact]
    public async Task Environment_of_64_KiB_is_marked_truncated_and_hashed_over_what_was_kept()
    {
        using var listener = new LoopbackListener();
        var marker = $"m-{Guid.NewGuid():N}";
        await using var tracer = await Tracer.StartAsync();
        using var p = new Probe("connect", listener.Port, marker, "/tmp", [("N3T_MARKER", marker), ("BIG", new string('b', 64 * 1024))]);
        p.WaitExit();
        Assert.Equal(0, await tracer.StopAsync());
        var rec = CertificateAssert.Single(tracer, p.Pid("P"), marker);
        Assert.Equal("env", rec["truncated"]);
        Assert.Equal(p.CommandLine, rec["cmdline"]);
        // The first 32 KiB (the kernel-side bound) is what was hashed; the column says it was cut.
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(p.EnvBlock.AsSpan(0, 32768))), rec["env_sha256"]);
    }
}
