using System.Globalization;

namespace N3ttrace.EndToEnd.Tests.Lineage;

/// <summary>[lineage]: ancestry through original parents, across daemonization, PID reuse and tracer start.</summary>
public class OriginalParentTests
{
    [BpfFact]
    public async Task Double_forked_daemon_keeps_its_launcher_in_its_ancestry()
    {
        using var listener = new LoopbackListener();
        var marker = $"m-{Guid.NewGuid():N}";
        await using var tracer = await Tracer.StartAsync();
        using var p = new Probe("daemon", listener.Port, marker, "/tmp", [("N3T_MARKER", marker)]);
        p.WaitExit();
        Assert.Equal(0, await tracer.StopAsync());

        // /proc said the daemon's parent was no longer its launcher chain (init or a subreaper).
        var procPpid = p["D.ppid"];
        Assert.NotEqual(p["M.pid"], procPpid);
        Assert.NotEqual(p["L.pid"], procPpid);
        var rec = CertificateAssert.Single(tracer, p.Pid("D"), marker);
        Assert.True(p["M.pid"] == rec["ppid"], $"ppid {rec["ppid"]}, M {p["M.pid"]}, L {p["L.pid"]}, host {Environment.ProcessId}, /proc ppid {procPpid}: {rec["ancestry"]}");
        Assert.Equal("known", rec["parent"]);
        Assert.Equal(p["D.sid"], rec["session"]);
        Assert.Equal(p["M.pid"], rec["session"]); // the middle process called setsid: its session
        Assert.StartsWith(
            $"{p.Pid("D")}:python3[{p.Start("D")}] <- {p.Pid("M")}:python3[{p.Start("M")}] <- {p.Pid("L")}:python3[{p.Start("L")}] <- {Environment.ProcessId}:",
            rec["ancestry"], StringComparison.Ordinal);
        var expected = ByHand.AncestryId(ByHand.ProcessId(p.Pid("D"), p.Start("D")),
            ByHand.AncestryId(ByHand.ProcessId(p.Pid("M"), p.Start("M")),
                ByHand.AncestryId(ByHand.ProcessId(p.Pid("L"), p.Start("L")), ByHand.AncestryOfLive(Environment.ProcessId))));
        Assert.Equal(expected, rec["ancestry_id"]);
        Assert.Equal(ByHand.ProcessId(p.Pid("D"), p.Start("D")), rec["process_id"]);
    }

    [BpfFact]
    public async Task Reused_pid_gets_a_different_process_id_and_ancestry_id()
    {
        using var listener = new LoopbackListener();
        var marker = $"m-{Guid.NewGuid():N}";
        await using var tracer = await Tracer.StartAsync();
        using var p = new Probe("reuse", listener.Port, marker, "/tmp", [("N3T_MARKER", marker)]);
        p.WaitExit();
        Assert.Equal(0, await tracer.StopAsync());

        // The probe forced the kernel to hand out A's pid again (ns_last_pid) to B.
        Assert.Equal(p["A.pid"], p["B.pid"]);
        Assert.NotEqual(p["A.start"], p["B.start"]);
        var pid = p.Pid("A");
        var recs = tracer.BirthRecords().Where(r => r["pid"] == p["A.pid"] && r["cmdline"].Contains(marker, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, recs.Count);
        var a = Assert.Single(recs, r => r["local"].EndsWith($":{p["A.lport"]}", StringComparison.Ordinal));
        var b = Assert.Single(recs, r => r["local"].EndsWith($":{p["B.lport"]}", StringComparison.Ordinal));
        Assert.Equal(ByHand.ProcessId(pid, p.Start("A")), a["process_id"]);
        Assert.Equal(ByHand.ProcessId(pid, p.Start("B")), b["process_id"]);
        Assert.NotEqual(a["process_id"], b["process_id"]);
        Assert.NotEqual(a["ancestry_id"], b["ancestry_id"]);
        var launcher = ByHand.AncestryId(ByHand.ProcessId(p.Pid("L"), p.Start("L")), ByHand.AncestryOfLive(Environment.ProcessId));
        Assert.Equal(ByHand.AncestryId(a["process_id"], launcher), a["ancestry_id"]);
        Assert.Equal(ByHand.AncestryId(b["process_id"], launcher), b["ancestry_id"]);
    }

    [BpfFact]
    public async Task Process_older_than_the_tracer_gets_full_lineage_from_the_proc_scan()
    {
        using var listener = new LoopbackListener();
        var marker = $"m-{Guid.NewGuid():N}";
        var cwd = Directory.CreateTempSubdirectory("n3t-old-").FullName;
        using var p = new Probe("wait", listener.Port, marker, cwd, [("N3T_MARKER", marker), ("OLD", "yes")], openStdin: true);
        p.WaitFor("ready");
        await using var tracer = await Tracer.StartAsync();
        p.Send("go");
        p.WaitExit();
        Assert.Equal(0, await tracer.StopAsync());

        var rec = CertificateAssert.Single(tracer, p.Pid("P"), marker);
        CertificateAssert.Exact(rec, p, "P");
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), rec["ppid"]);
        Assert.Equal("known", rec["parent"]);
        Assert.Equal(ByHand.AncestryId(rec["process_id"], ByHand.AncestryOfLive(Environment.ProcessId)), rec["ancestry_id"]);
        Assert.StartsWith($"{p.Pid("P")}:python3[{p.Start("P")}] <- {Environment.ProcessId}:", rec["ancestry"], StringComparison.Ordinal);
        Assert.Equal("", rec["truncated"]);
    }
}
