using System.Net;
using N3ttrace.Connections;
using N3ttrace.Inference;
using N3ttrace.Inference.Rules;
using N3ttrace.Lineage;

namespace N3ttrace.Core.Tests.Inference;

/// <summary>Relay facts (an accepted connection carried into an outbound one) and the bind-shell rule, on the engine's own index.</summary>
public class RelayTests
{
    private const long Sec = 1_000_000_000;

    private static Connection Server(ProcessNode node, FlowDirection direction, long birthNs, int localPort = 5555)
    {
        var c = Make.Conn(node, birthNs);
        return new Connection
        {
            ConnId = c.ConnId, SocketKey = (ulong)birthNs, Source = c.Source, BirthBootNs = birthNs, BirthUtc = c.BirthUtc,
            LocalAddress = IPAddress.Loopback, LocalPort = localPort, RemoteAddress = direction == FlowDirection.Listen ? IPAddress.Any : IPAddress.Loopback,
            RemotePort = direction == FlowDirection.Listen ? 0 : 41000, RemoteMasked = c.RemoteMasked, RemoteScope = c.RemoteScope, RemoteHash = c.RemoteHash,
            Pid = c.Pid, Comm = c.Comm, Process = node, Context = node.Context, ProcessId = c.ProcessId, AncestryId = c.AncestryId, Ancestry = "",
            Facts = c.Facts, Direction = direction,
        };
    }

    /// <summary>A process started at <paramref name="startNs"/> (start ticks are 10 ms).</summary>
    private static ProcessNode NodeStartedAt(ProcessContext ctx, ProcessNode? parent, long startNs)
    {
        var n = Make.Node(ctx, parent);
        return new ProcessNode
        {
            Key = new ProcessKey(n.Key.Tgid, (ulong)(startNs / 10_000_000)), ProcessId = n.ProcessId, AncestryId = n.AncestryId,
            Parent = n.Parent, ParentNode = parent, ParentChain = "", Context = ctx,
        };
    }

    private static (VerdictEngine Engine, ServerSockets Servers) Engine()
    {
        var servers = new ServerSockets();
        return (new VerdictEngine(RulesConfig.Default, new MemoryBaseline()) { Servers = servers }, servers);
    }

    [Fact]
    public void One_process_that_connects_out_seconds_after_accepting_is_a_relay_THREAT()
    {
        var (engine, servers) = Engine();
        var relay = Make.Node(Make.Ctx("/usr/bin/socat", ["socat", "TCP-LISTEN:5555", "TCP:10.0.0.1:80"]));
        servers.OnBirth(Server(relay, FlowDirection.Listen, 1 * Sec));
        servers.OnBirth(Server(relay, FlowDirection.Inbound, 2 * Sec));
        var outbound = Make.Conn(relay, 2 * Sec + 5_000_000);
        var v = engine.Judge(outbound, outbound.BirthBootNs);
        Assert.Equal(RiskLevel.Threat, v.Level);
        Assert.Contains(v.Reasons, r => r.StartsWith("relay +", StringComparison.Ordinal) && r.Contains("client 1 of that listener", StringComparison.Ordinal));
        Assert.Equal("inbound,listen", servers.HoldsText(relay.Key));
    }

    [Fact]
    public void A_helper_its_listener_started_for_the_client_is_a_relay_but_an_older_worker_is_not()
    {
        var servers = new ServerSockets();
        var listener = Make.Node(Make.Ctx("/usr/bin/ncat", ["ncat", "-l", "5555", "--sh-exec", "ncat far 80"]));
        servers.OnBirth(Server(listener, FlowDirection.Listen, 1 * Sec));
        servers.OnBirth(Server(listener, FlowDirection.Inbound, 10 * Sec));
        var sh = NodeStartedAt(Make.Ctx("/usr/bin/sh", ["sh", "-c", "ncat far 80"]), listener, 10 * Sec + 20_000_000);
        var helper = NodeStartedAt(Make.Ctx("/usr/bin/ncat", ["ncat", "far", "80"]), sh, 10 * Sec + 30_000_000);
        var fact = RelayFact.Find(Make.Conn(helper, 10 * Sec + 50_000_000), servers, 10);
        Assert.NotNull(fact);
        Assert.Equal(2, fact.Depth);
        Assert.Same(listener, fact.Holder);

        var worker = NodeStartedAt(Make.Ctx("/usr/bin/python3", ["python3", "worker.py"]), listener, 2 * Sec);
        Assert.Null(RelayFact.Find(Make.Conn(worker, 10 * Sec + 50_000_000), servers, 10));

        // A loop the listener started before the accept runs a fresh program after it: that program is the loop's, not
        // the client's helper (a scheduler or a test host that also listens).
        var loop = NodeStartedAt(Make.Ctx("/usr/bin/sh", ["sh", "-c", "while :; do curl far; sleep 1; done"]), listener, 2 * Sec);
        var call = NodeStartedAt(Make.Ctx("/usr/bin/curl", ["curl", "far"]), loop, 10 * Sec + 30_000_000);
        Assert.Null(RelayFact.Find(Make.Conn(call, 10 * Sec + 50_000_000), servers, 10));

        // A login (sshd's session child calls setsid): the command it runs is the user's, not a helper.
        var login = NodeStartedAt(Make.Ctx("/usr/bin/curl", ["curl", "far"]) with { Session = 4242 }, sh, 10 * Sec + 40_000_000);
        Assert.Null(RelayFact.Find(Make.Conn(login, 10 * Sec + 50_000_000), servers, 10));

        // A holder serving on a second port is a service (or a supervisor) whose children are not its clients' helpers.
        servers.OnBirth(Server(listener, FlowDirection.Listen, 1 * Sec, 6666));
        Assert.Null(RelayFact.Find(Make.Conn(helper, 10 * Sec + 50_000_000), servers, 10));
        Assert.NotNull(RelayFact.Find(Make.Conn(listener, 10 * Sec + 50_000_000), servers, 10)); // itself: still a relay fact
    }

    [Fact]
    public void A_holder_whose_client_is_its_own_child_over_loopback_is_not_a_relay()
    {
        // A test host or supervisor serves a local port and starts a job that calls it, then calls out again: the
        // accepted connection is the job's own, not an outside client's traffic carried on.
        var servers = new ServerSockets();
        var host = Make.Node(Make.Ctx("/usr/bin/python3", ["python3", "host.py"]));
        servers.OnBirth(Server(host, FlowDirection.Listen, 1 * Sec));
        var job = NodeStartedAt(Make.Ctx("/usr/bin/sh", ["sh", "job.sh"]), host, 2 * Sec);
        var fetch = NodeStartedAt(Make.Ctx("/usr/bin/curl", ["curl", "http://127.0.0.1:5555/"]), job, 3 * Sec);
        var toHost = Make.Conn(fetch, 3 * Sec + 10_000_000);
        var own = new Connection
        {
            ConnId = toHost.ConnId, SocketKey = 7, Source = toHost.Source, BirthBootNs = toHost.BirthBootNs, BirthUtc = toHost.BirthUtc,
            LocalAddress = IPAddress.Loopback, LocalPort = 41000, RemoteAddress = IPAddress.Loopback, RemotePort = 5555,
            RemoteMasked = toHost.RemoteMasked, RemoteScope = toHost.RemoteScope, RemoteHash = toHost.RemoteHash, Pid = toHost.Pid, Comm = toHost.Comm,
            Process = fetch, Context = fetch.Context, ProcessId = toHost.ProcessId, AncestryId = toHost.AncestryId, Ancestry = "", Facts = toHost.Facts,
        };
        servers.OnBirth(own);
        servers.OnBirth(Server(host, FlowDirection.Inbound, 3 * Sec + 20_000_000)); // its peer is local port 41000: the job's
        var later = NodeStartedAt(Make.Ctx("/usr/bin/curl", ["curl", "far"]), host, 4 * Sec); // started after the accept
        Assert.Null(RelayFact.Find(Make.Conn(later, 5 * Sec), servers, 10));
        Assert.Null(RelayFact.Find(Make.Conn(host, 5 * Sec), servers, 10));

        // The same accept from a process outside the holder's tree stays a relay fact.
        servers.OnEnd(own);
        Assert.NotNull(RelayFact.Find(Make.Conn(host, 5 * Sec), servers, 10));
    }

    [Fact]
    public void A_service_with_many_clients_or_an_old_accept_is_not_a_relay()
    {
        var (engine, servers) = Engine();
        var web = Make.Node(Make.Ctx("/usr/sbin/webd", ["webd"]));
        servers.OnBirth(Server(web, FlowDirection.Listen, 1 * Sec, 8080));
        for (var i = 0; i < 4; i++)
        {
            servers.OnBirth(Server(web, FlowDirection.Inbound, (2 + i) * Sec, 8080));
        }
        var db = Make.Conn(web, 6 * Sec);
        var v = engine.Judge(db, db.BirthBootNs);
        Assert.DoesNotContain(v.Reasons, r => r.StartsWith("relay", StringComparison.Ordinal));
        Assert.Equal(4, RelayFact.Find(db, servers, 10)!.AcceptedOnPort);

        var (engine2, servers2) = Engine();
        var proxy = Make.Node(Make.Ctx("/usr/sbin/proxyd", ["proxyd"]));
        servers2.OnBirth(Server(proxy, FlowDirection.Inbound, 1 * Sec));
        var late = Make.Conn(proxy, 30 * Sec);
        Assert.DoesNotContain(engine2.Judge(late, late.BirthBootNs).Reasons, r => r.StartsWith("relay", StringComparison.Ordinal));
    }

    [Fact]
    public void Server_sockets_are_forgotten_when_closed()
    {
        var servers = new ServerSockets();
        var p = Make.Node(Make.Ctx("/usr/bin/socat", ["socat"]));
        var l = Server(p, FlowDirection.Listen, 1 * Sec);
        var i = Server(p, FlowDirection.Inbound, 2 * Sec);
        servers.OnBirth(l);
        servers.OnBirth(i);
        Assert.Equal((1, 1), servers.Holds(p.Key));
        servers.OnEnd(l);
        Assert.Equal("inbound", servers.HoldsText(p.Key));
        servers.OnEnd(i);
        Assert.Equal(0, servers.Processes);
        Assert.Null(RelayFact.Find(Make.Conn(p, 3 * Sec), servers, 10));
    }

    [Fact]
    public void A_shell_or_interpreter_listening_without_a_terminal_is_a_bind_shell()
    {
        var (engine, _) = Engine();
        var python = Make.Node(Make.Ctx("/usr/bin/python3", ["python3", "-c", "..."]));
        var v = engine.Judge(Server(python, FlowDirection.Listen, 1 * Sec), 1 * Sec);
        Assert.Equal(RiskLevel.Threat, v.Level);
        Assert.Contains(v.Reasons, r => r.StartsWith("bind-shell +", StringComparison.Ordinal));

        var fromTerminal = Make.Node(Make.Ctx("/usr/bin/python3", ["python3", "-m", "http.server"], tty: "pts/1"));
        Assert.Equal(RiskLevel.Anomaly, engine.Judge(Server(fromTerminal, FlowDirection.Listen, 1 * Sec), 1 * Sec).Level);

        var daemon = Make.Node(Make.Ctx("/usr/sbin/sshd", ["sshd", "-D"]));
        var d = engine.Judge(Server(daemon, FlowDirection.Listen, 1 * Sec), 1 * Sec);
        Assert.Equal(RiskLevel.Normal, d.Level);
        Assert.DoesNotContain(d.Reasons, r => r.StartsWith("bind-shell", StringComparison.Ordinal));
        // An accepted connection is never scored by outbound rules (first-seen, lolbin...).
        Assert.Equal(0, engine.Judge(Server(python, FlowDirection.Inbound, 2 * Sec), 2 * Sec).Score);
    }
}
