using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using N3ttrace.Connections;
using N3ttrace.Lineage;
using N3ttrace.Pipeline;
using N3ttrace.Privacy;
using N3ttrace.Capture.Proc.ProcFs;
using N3ttrace.Time;

namespace N3ttrace.Capture.Proc.Tests;

/// <summary>The source feeding the real pipeline: a real child connects, the pipeline reports birth and death.</summary>
public class ProcSourceTests
{
    private sealed class Collect : PipelineSink
    {
        public List<Connection> Births { get; } = [];
        public List<Connection> Deaths { get; } = [];
        public override void OnBirth(Connection c) { lock (Births) { Births.Add(c); } }
        public override void OnDeath(Connection c) { lock (Deaths) { Deaths.Add(c); } }
    }

    private const string Connect = """
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print(s.getsockname()[1], flush=True)
sys.stdin.readline()
s.close()
""";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Child_connection_is_born_with_its_lineage_and_dies_when_it_closes(bool sockDiag)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var sink = new Collect();
        var identity = new ProcessIdentity(ProcessIdentity.ReadBootId());
        var table = new ProcessTable(identity, new ProcessReader());
        var pipeline = new EventPipeline("proc", table, new EndpointPrivacy(new byte[32]), new BootClock(), [sink], new NoVerdicts(), NullLogger.Instance);
        using var source = new ProcSource(TimeSpan.FromMilliseconds(100), NullLogger.Instance, preferSockDiag: sockDiag);
        source.Start(pipeline);
        table.SeedFromProc();
        var pump = Task.Run(() => pipeline.RunAsync());

        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Connect);
        psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        using var child = Process.Start(psi)!;
        var lport = int.Parse(child.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
        using var accepted = await listener.AcceptTcpClientAsync();
        await Task.Delay(400);
        child.StandardInput.WriteLine();
        Assert.True(child.WaitForExit(10_000));
        await Task.Delay(300);
        source.Stop();
        pipeline.Complete();
        await pump;

        var birth = Assert.Single(sink.Births, c => c.LocalPort == lport && c.RemotePort == port);
        Assert.True(birth.Pid == child.Id, $"owner {birth.Pid}, expected {child.Id}; {source.Stats}");
        Assert.Equal("proc", birth.Source);
        Assert.Equal(100, birth.ResolutionMs);
        Assert.False(birth.BirthBeforeStart);
        Assert.Equal(port, birth.RemotePort);
        Assert.Equal(ParentKnowledge.Known, birth.ParentKnowledge);
        Assert.Equal(Environment.ProcessId, birth.PPid);
        Assert.Contains(Connect, System.Text.Encoding.UTF8.GetString(birth.Context.Argv), StringComparison.Ordinal);
        Assert.Single(sink.Deaths, c => c.ConnId == birth.ConnId);
        // The accepted side lives in this process: never a birth.
        Assert.DoesNotContain(sink.Births, c => c.LocalPort == port);
        Assert.True(source.Stats.Cycles >= 5);
    }
}
