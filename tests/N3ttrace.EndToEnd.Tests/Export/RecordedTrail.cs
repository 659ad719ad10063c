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
            if (_tracer is null)
            {
                await RecordAsync();
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
            Assert.True(refused.Refused);
            refused.Close();
        }
        Assert.Equal(0, await _tracer.StopAsync());
        Until = DateTime.UtcNow.AddSeconds(1);
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
