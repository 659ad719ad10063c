namespace N3ttrace.EndToEnd.Tests.Lineage;

/// <summary>[lineage]: terminal, session, login uid and cgroup as the kernel knew them at exec.</summary>
public class SessionContextTests
{
    [BpfFact]
    public async Task Tty_session_loginuid_and_cgroup_are_those_the_process_had()
    {
        using var listener = new LoopbackListener();
        var marker = $"m-{Guid.NewGuid():N}";
        var cgroupRoot = N3ttrace.Capture.Proc.ProcFs.CgroupPaths.FindUnifiedMount();
        Assert.NotNull(cgroupRoot);
        var cgroupName = $"n3t-lineage-{Guid.NewGuid():N}"[..24];
        var cgroupDir = Path.Combine(cgroupRoot, cgroupName);
        Directory.CreateDirectory(cgroupDir);
        try
        {
            await using var tracer = await Tracer.StartAsync();
            // A login would set loginuid before exec; the probe then runs on a real terminal (script's pty) in its own cgroup.
            var prelude = $"echo 4242 > /proc/self/loginuid && echo $$ > {cgroupDir}/cgroup.procs || exit 9";
            using (var p = new Probe("connect", listener.Port, marker, "/tmp", [("N3T_MARKER", marker), ("TERM", "xterm")], prelude: prelude, pty: true))
            {
                p.WaitExit();
                Assert.Equal(0, await tracer.StopAsync());
                var rec = CertificateAssert.Single(tracer, p.Pid("P"), marker);
                CertificateAssert.Exact(rec, p, "P");
                Assert.StartsWith("pts/", rec["tty"], StringComparison.Ordinal);
                Assert.Equal(p["P.tty"], rec["tty"]);
                Assert.Equal("4242", rec["loginuid"]);
                Assert.Equal($"/{cgroupName}", rec["cgroup"]);
                // script's child calls setsid; whether the probe is that leader or its child depends on
                // whether $SHELL forks for -c, so compare with the session the probe itself saw.
                Assert.Equal(p["P.sid"], rec["session"]);
                var ours = File.ReadAllText("/proc/self/stat");
                Assert.NotEqual(ours[(ours.LastIndexOf(')') + 2)..].Split(' ')[3], rec["session"]); // a new session, not the test's
            }
        }
        finally
        {
            for (var i = 0; i < 50 && Directory.Exists(cgroupDir); i++)
            {
                try
                {
                    Directory.Delete(cgroupDir);
                }
                catch (IOException)
                {
                    Thread.Sleep(100); // the last member may still be exiting
                }
            }
        }
    }
}
