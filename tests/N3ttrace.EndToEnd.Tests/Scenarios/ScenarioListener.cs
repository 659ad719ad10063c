using System.Net;
using System.Net.Sockets;
using System.Text;

namespace N3ttrace.EndToEnd.Tests.Scenarios;

/// <summary>
/// A loopback listener standing in for the far end. Http: answers each request with 404 and closes.
/// Shell: plays the attacker — waits, sends a command and "exit", then closes.
/// Hold: keeps the connection until the client closes it (a database or broker).
/// </summary>
internal sealed class ScenarioListener : IDisposable
{
    public enum Mode { Http, Shell, Hold }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Mode _mode;
    private readonly TimeSpan _hold;
    private int _accepted;

    public int Port { get; }
    public int Accepted => Volatile.Read(ref _accepted);

    public ScenarioListener(Mode mode, TimeSpan? hold = null)
    {
        _mode = mode;
        _hold = hold ?? TimeSpan.FromSeconds(1.5);
        _listener.Start(64);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoop();
    }

    /// <summary>Waits until at least n connections were accepted.</summary>
    public async Task WaitAccepted(int n, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Accepted < n && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket s;
            try
            {
                s = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            _ = Serve(s);
        }
    }

    private async Task Serve(Socket s)
    {
        using (s)
        {
            try
            {
                var buf = new byte[4096];
                if (_mode == Mode.Http)
                {
                    using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    cts.CancelAfter(2000);
                    var got = new StringBuilder();
                    while (!got.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var n = await s.ReceiveAsync(buf, cts.Token);
                        if (n == 0)
                        {
                            break;
                        }
                        got.Append(Encoding.ASCII.GetString(buf, 0, n));
                    }
                    await s.SendAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
                }
                else if (_mode == Mode.Hold)
                {
                    while (await s.ReceiveAsync(buf, _stop.Token) > 0)
                    {
                    }
                }
                else
                {
                    await Task.Delay(_hold, _stop.Token);
                    await s.SendAsync("echo n3t-shell-ok\nexit\n"u8.ToArray());
                    await Task.Delay(300, _stop.Token);
                }
                s.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
