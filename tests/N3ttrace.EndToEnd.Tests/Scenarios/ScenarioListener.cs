using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace N3ttrace.EndToEnd.Tests.Scenarios;

/// <summary>
/// A loopback listener standing in for the far end. Http: answers each request with 404 and closes.
/// Shell: plays the attacker — waits, sends a command and "exit", reads the answer, then closes. The command's text
/// differs from its output, so an echoing pty cannot fake the answer: Answered counts the shells that really ran it.
/// TlsShell: the same inside TLS (a self-signed certificate), for TLS clients such as openssl s_client.
/// Hold: keeps the connection until the client closes it (a database or broker).
/// </summary>
internal sealed class ScenarioListener : IDisposable
{
    public enum Mode { Http, Shell, Hold, TlsShell }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Mode _mode;
    private readonly TimeSpan _hold;
    private int _accepted;
    private int _answered;

    public int Port { get; }
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Shell connections whose far end ran the command and sent back its output.</summary>
    public int Answered => Volatile.Read(ref _answered);

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
                    await PlayAttacker(s);
                }
                s.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException or System.Security.Authentication.AuthenticationException)
            {
            }
        }
    }

    private async Task PlayAttacker(Socket s)
    {
        Stream stream = new NetworkStream(s, ownsSocket: false);
        await using var network = stream;
        if (_mode == Mode.TlsShell)
        {
            var tls = new SslStream(stream);
            await tls.AuthenticateAsServerAsync(SelfSignedCertificate.Value, clientCertificateRequired: false, checkCertificateRevocation: false);
            stream = tls;
        }
        var got = new StringBuilder();
        var reader = ReadAll(stream, got);
        await Task.Delay(_hold, _stop.Token);
        await stream.WriteAsync("echo n3t-$((6*7))\nexit\n"u8.ToArray(), _stop.Token);
        await stream.FlushAsync(_stop.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (DateTime.UtcNow < deadline && !reader.IsCompleted && !Contains(got, "n3t-42"))
        {
            await Task.Delay(50, _stop.Token);
        }
        if (Contains(got, "n3t-42"))
        {
            Interlocked.Increment(ref _answered);
        }
        await Task.Delay(300, _stop.Token);
    }

    private async Task ReadAll(Stream stream, StringBuilder got)
    {
        var buf = new byte[4096];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buf, _stop.Token)) > 0)
            {
                lock (got)
                {
                    got.Append(Encoding.Latin1.GetString(buf, 0, n));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
        }
    }

    private static bool Contains(StringBuilder got, string text)
    {
        lock (got)
        {
            return got.ToString().Contains(text, StringComparison.Ordinal);
        }
    }

    private static readonly Lazy<System.Security.Cryptography.X509Certificates.X509Certificate2> SelfSignedCertificate = new(() =>
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // An ephemeral key cannot serve TLS on Linux: round-trip through PKCS#12 to get a usable private key.
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
            cert.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
    });

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
