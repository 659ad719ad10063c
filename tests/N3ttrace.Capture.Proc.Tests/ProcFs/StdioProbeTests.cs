using System.Diagnostics;
using N3ttrace.Capture.Proc.ProcFs;

namespace N3ttrace.Capture.Proc.Tests.ProcFs;

public class StdioProbeTests
{
    [Fact]
    public void Sees_a_live_process_whose_stdio_were_replaced_by_a_socket()
    {
        // A real process that dup2()s a socket onto 0, 1, 2, then waits.
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import socket,os,sys,time\na,b=socket.socketpair()\nsys.stdout.write('ok\\n');sys.stdout.flush()\n[os.dup2(a.fileno(),f) for f in (0,1,2)]\ntime.sleep(5)");
        using var p = Process.Start(psi)!;
        try
        {
            Assert.Equal("ok", p.StandardOutput.ReadLine());
            var deadline = DateTime.UtcNow.AddSeconds(3);
            var bits = 0;
            while (bits != 7 && DateTime.UtcNow < deadline)
            {
                bits = StdioProbe.Read(p.Id);
                Thread.Sleep(20);
            }
            Assert.Equal(7, bits);
            Assert.Equal(0, StdioProbe.Read(Environment.ProcessId) & 1); // the test host's stdin is not a socket
        }
        finally
        {
            p.Kill();
        }
    }
}
