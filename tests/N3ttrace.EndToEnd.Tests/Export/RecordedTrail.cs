using System.Net;
using System.Net.Sockets;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>
/// One real `n3ttrace run` that saw a known loopback connection (birth, death) and a refused connect
/// (fail), shared by the export tests. Recorded on first use, so tests without root skip before it runs.
/// </summary>
public sealed class RecordedTrail : IAsyncDisposable
{
    private readonly SemaphoreSlim _once = new(1, 1);
    private Tracer? _tracer;
    private Exception? _failure;

    public string Marker { get; } = $"m-{Guid.NewGuid():N}";
    public int Port { get; private set; }
    public int RefusedPort { get; private set; }
    public DateTime Since { get; private set; }
    public DateTime Until { get; private set; }
    public string StateDir => _tracer!.StateDir;
    public List<Dictionary<string, string>> Births => _tracer!.BirthRecords();

    public async Task<RecordedTrail> GetAsync()
    {
        await _once.WaitAsync();
        try
        {
            // Recorded once: if that failed, every test reports the same cause instead of a confusing symptom.
            if (_failure is not null)
            {
                throw new InvalidOperationException($"recording the shared trail failed: {_failure.Message}", _failure);
            }
            if (_tracer is null)
            {
                try
                {
                    await RecordAsync();
                }
                catch (Exception e)
                {
                    _failure = e;
                    throw;
                }
            }
            return this;
        }
        finally
        {
            _once.Release();
        }
    }

    private async Task RecordAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            RefusedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Since = DateTime.UtcNow;
        _tracer = await Tracer.StartAsync();
        using (var child = new Connector("127.0.0.1", Port, Marker, "/tmp", [("N3T_MARKER", Marker)]))
        {
            child.WaitConnected();
            using var accepted = await listener.AcceptTcpClientAsync();
            await Task.Delay(300);
            child.Close();
        }
        using (var refused = new Connector("127.0.0.1", RefusedPort, Marker + "-refused", "/", [("N3T_MARKER", Marker)]))
        {
            refused.WaitConnected();
            Assert.True(refused.Refused, $"port {RefusedPort} was taken by someone else between probe and connect");
            refused.Close();
        }
        var exit = await _tracer.StopAsync();
        Assert.True(exit == 0, $"n3ttrace run exited {exit}:\n{_tracer.Stderr}");
        Until = DateTime.UtcNow.AddSeconds(1);
        var ours = _tracer.BirthRecords().Count(r => r["cmdline"].Contains(Marker, StringComparison.Ordinal));
        Assert.True(ours == 2, $"expected the connection and the refused connect in the trail, found {ours}:\n{_tracer.Stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_tracer is not null)
        {
            await _tracer.DisposeAsync();
        }
        _once.Dispose();
    }
}
