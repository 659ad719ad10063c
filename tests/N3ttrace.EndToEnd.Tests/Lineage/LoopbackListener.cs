using System.Net;
using System.Net.Sockets;

namespace N3ttrace.EndToEnd.Tests.Lineage;

/// <summary>A loopback TCP listener that accepts and closes everything, so connectors never wait on a full backlog.</summary>
internal sealed class LoopbackListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task _loop;

    public int Port { get; }

    public LoopbackListener()
    {
        _listener.Start(1024);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var c = await _listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
            }
        });
    }

    public void Dispose()
    {
        _listener.Stop();
        _loop.Wait(5000);
    }
}
