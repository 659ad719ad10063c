using N3ttrace.Events;
using N3ttrace.Lineage;
using N3ttrace.Pipeline;

namespace N3ttrace.Core.Tests.Lineage;

/// <summary>Original parents, identities and late context in a real ProcessTable (no /proc involved: every parent is seen).</summary>
public class ProcessTableTests
{
    private static readonly ProcessKey Init = new(1, 1);

    private static ProcessTable NewTable() =>
        new(new ProcessIdentity("boot"), new NoProcesses());

    private static ProcessContext Ctx(string comm, string cwd = "/") => new()
    {
        Comm = comm, Exe = $"/usr/bin/{comm}", Argv = System.Text.Encoding.UTF8.GetBytes($"{comm}\0"), Cwd = cwd,
        EnvSha256 = new string('a', 64),
    };

    [Fact]
    public void Re_parented_daemon_keeps_its_original_parent_after_the_parent_exits()
    {
        var t = NewTable();
        var shell = new ProcessKey(100, 10);
        var middle = new ProcessKey(101, 11);
        var daemon = new ProcessKey(102, 12);
        t.OnFork(Init, shell, "bash");
        t.OnFork(shell, middle, "bash");
        t.OnFork(middle, daemon, "bash");
        t.OnExit(middle, 1_000);
        t.OnExec(daemon, Init, Ctx("miner")); // at exec the kernel already says parent = init
        t.Sweep(1_000 + (long)ProcessTable.ExitGrace.TotalNanoseconds * 2);

        Assert.True(t.TryGet(daemon, out var d));
        Assert.False(t.TryGet(middle, out _)); // gone from the table...
        Assert.Equal(middle, d.ParentKey);     // ...but still the daemon's original parent
        Assert.Equal(ParentKnowledge.Known, d.Parent);
        var id = t.Identity;
        var expected = ProcessIdentity.AncestryId(id.ProcessId(daemon),
            ProcessIdentity.AncestryId(id.ProcessId(middle), ProcessIdentity.AncestryId(id.ProcessId(shell), ProcessIdentity.InitAncestry)));
        Assert.Equal(expected, d.AncestryId);
        Assert.Equal("102:miner[12] <- 101:bash[11] <- 100:bash[10] <- 1", d.Ancestry("miner"));
    }

    [Fact]
    public void Unknown_parent_is_said_not_invented()
    {
        var t = NewTable();
        var orphan = new ProcessKey(300, 30);
        t.OnExec(orphan, new ProcessKey(299, 29), Ctx("x")); // parent neither seen nor in /proc
        Assert.True(t.TryGet(orphan, out var n));
        Assert.Equal(ParentKnowledge.Unknown, n.Parent);
        Assert.Equal(ProcessIdentity.AncestryId(n.ProcessId, ProcessIdentity.UnknownAncestry), n.AncestryId);
        Assert.EndsWith("<- ?", n.Ancestry("x"), StringComparison.Ordinal);
    }

    [Fact]
    public void Context_at_connect_updates_cwd_session_and_facts_but_keeps_argv_at_exec()
    {
        var t = NewTable();
        var p = new ProcessKey(400, 40);
        t.OnFork(Init, p, "sh");
        t.OnExec(p, Init, Ctx("curl", "/home/a"));
        t.OnContextAtConnect(new ProcessContextAtConnect(5, p, "/tmp/x", CwdTruncated: false, ExeDeleted: true, ArgvOverwritten: true, Session: 400, Tty: "pts/1"));
        Assert.True(t.TryGet(p, out var n));
        Assert.Equal("/tmp/x", n.Context.Cwd);
        Assert.Equal(400, n.Context.Session);
        Assert.Equal("pts/1", n.Context.Tty);
        Assert.Equal("curl", n.Context.CommandLine);
        Assert.Equal(new string('a', 64), n.Context.EnvSha256);
        Assert.Equal([ProcessFacts.ExeDeleted, ProcessFacts.ArgvOverwritten], ProcessFacts.Of("curl", n.Context));
    }

    [Fact]
    public void Same_pid_with_another_start_time_is_another_process()
    {
        var t = NewTable();
        var a = new ProcessKey(500, 50);
        var b = new ProcessKey(500, 51);
        t.OnFork(Init, a, "sh");
        t.OnExit(a, 10);
        t.OnFork(Init, b, "sh");
        Assert.True(t.TryGet(a, out var na));
        Assert.True(t.TryGet(b, out var nb));
        Assert.NotEqual(na.ProcessId, nb.ProcessId);
        Assert.NotEqual(na.AncestryId, nb.AncestryId);
    }
}
