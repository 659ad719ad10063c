namespace N3ttrace.EndToEnd.Tests.Lineage;

/// <summary>[lineage]: a process that disguises itself keeps the kernel's truth, and the mismatch is stated.</summary>
public class EvasionTests
{
    [BpfFact]
    public async Task Renamed_process_keeps_exe_and_argv_and_states_comm_mismatch()
    {
        using var listener = new LoopbackListener();
        var marker = $"m-{Guid.NewGuid():N}";
        await using var tracer = await Tracer.StartAsync();
        using var p = new Probe("rename", listener.Port, marker, "/tmp", [("N3T_MARKER", marker)]);
        p.WaitExit();
        Assert.Equal(0, await tracer.StopAsync());
        var rec = CertificateAssert.Single(tracer, p.Pid("P"), marker);
        CertificateAssert.Exact(rec, p, "P");
        Assert.Equal("kworker/0:1", rec["comm"]);
        Assert.Equal("comm-mismatch", rec["facts"]);
    }

    [BpfFact]
    public async Task Argv_overwritten_after_start_keeps_argv_at_exec_and_says_so()
    {
        using var listener = new LoopbackListener();
        var marker = $"m-{Guid.NewGuid():N}";
        var dir = Directory.CreateTempSubdirectory("n3t-masq-").FullName;
        var exe = Masquerader.CopyTo(dir, "masq");
        await using var tracer = await Tracer.StartAsync();
        var got = Masquerader.Run([exe, "overwrite", listener.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), marker], dir);
        Assert.Equal(0, await tracer.StopAsync());
        var rec = CertificateAssert.Single(tracer, int.Parse(got["P.pid"], System.Globalization.CultureInfo.InvariantCulture), marker);
        Assert.Equal($"{exe} overwrite {listener.Port} {marker}", rec["cmdline"]);
        Assert.Equal(exe, rec["exe"]);
        Assert.Equal(dir, rec["cwd"]);
        Assert.Equal("masq", rec["comm"]);
        Assert.Equal("argv-overwritten", rec["facts"]);
    }

    [BpfFact]
    public async Task Process_running_from_a_deleted_file_keeps_its_path_and_says_deleted()
    {
        using var listener = new LoopbackListener();
        var marker = $"m-{Guid.NewGuid():N}";
        var dir = Directory.CreateTempSubdirectory("n3t-masq-").FullName;
        var exe = Masquerader.CopyTo(dir, "dropper");
        await using var tracer = await Tracer.StartAsync();
        var got = Masquerader.Run([exe, "delete", listener.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), marker], dir);
        Assert.Equal(0, await tracer.StopAsync());
        Assert.False(File.Exists(exe));
        var rec = CertificateAssert.Single(tracer, int.Parse(got["P.pid"], System.Globalization.CultureInfo.InvariantCulture), marker);
        Assert.Equal(exe, rec["exe"]);
        Assert.Equal($"{exe} delete {listener.Port} {marker}", rec["cmdline"]);
        Assert.Equal("exe-deleted", rec["facts"]);
    }

    [BpfFact]
    public async Task Exec_minus_a_keeps_the_real_exe_and_states_argv0_mismatch()
    {
        using var listener = new LoopbackListener();
        var marker = $"m-{Guid.NewGuid():N}";
        var dir = Directory.CreateTempSubdirectory("n3t-masq-").FullName;
        var exe = Masquerader.CopyTo(dir, "masq");
        await using var tracer = await Tracer.StartAsync();
        var got = Masquerader.Run(["/bin/bash", "-c", "exec -a sshd \"$0\" \"$@\"", exe, "plain", listener.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), marker], dir);
        Assert.Equal(0, await tracer.StopAsync());
        var rec = CertificateAssert.Single(tracer, int.Parse(got["P.pid"], System.Globalization.CultureInfo.InvariantCulture), marker);
        Assert.Equal($"sshd plain {listener.Port} {marker}", rec["cmdline"]);
        Assert.Equal(exe, rec["exe"]);
        Assert.Equal("masq", rec["comm"]);
        Assert.Equal("argv0-mismatch", rec["facts"]);
    }
}
