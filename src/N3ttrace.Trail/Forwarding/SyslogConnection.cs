using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace N3ttrace.Trail.Forwarding;

/// <summary>
/// One connected socket to the collector. TCP sends octet-counted frames; TLS the same frames inside an
/// SslStream (RFC 5425); UDP one datagram per message. Blocking, used only by the forwarder's own thread.
/// </summary>
internal sealed class SyslogConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly SyslogTransportKind _kind;
    private readonly SslStream? _tls;
    private readonly byte[] _readBuffer = [];
    private Task<int>? _pendingRead;

    private SyslogConnection(Socket socket, SyslogTransportKind kind, SslStream? tls)
    {
        _socket = socket;
        _kind = kind;
        _tls = tls;
        if (tls is not null)
        {
            // The collector sends nothing but TLS housekeeping (session tickets, close_notify); one read kept
            // outstanding lets the TLS layer take those in and tells PeerClosed when the stream ended.
            _readBuffer = new byte[512];
            _pendingRead = tls.ReadAsync(_readBuffer).AsTask();
        }
    }

    public static SyslogConnection Open(ForwardTarget target, ForwardTls? tls, TimeSpan timeout)
    {
        var addresses = IPAddress.TryParse(target.Host, out var ip) ? [ip] : Dns.GetHostAddresses(target.Host);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
        var ep = new IPEndPoint(addresses[0], target.Port);
        var socket = target.Transport == SyslogTransportKind.Udp
            ? new Socket(ep.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SslStream? ssl = null;
        try
        {
            // A collector that stops reading must not hang the forwarder forever: the send fails, it reconnects.
            socket.SendTimeout = (int)timeout.TotalMilliseconds;
            using var cts = new CancellationTokenSource(timeout);
            socket.ConnectAsync(ep, cts.Token).AsTask().GetAwaiter().GetResult();
            if (target.Transport == SyslogTransportKind.Tls)
            {
                ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
                // The name checked is the one the operator wrote (host name or IP address), not what DNS returned.
                ssl.AuthenticateAsClientAsync((tls ?? ForwardTls.SystemTrust).ClientOptions(target.Host), cts.Token).GetAwaiter().GetResult();
            }
            return new SyslogConnection(socket, target.Transport, ssl);
        }
        catch (OperationCanceledException)
        {
            ssl?.Dispose();
            socket.Dispose();
            throw new SocketException((int)SocketError.TimedOut);
        }
        catch
        {
            ssl?.Dispose();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True when a TCP collector has closed its side (readable with nothing to read: FIN or RST).
    /// Checked before each write, so records are not written into a connection that is already gone.
    /// </summary>
    public bool PeerClosed()
    {
        if (_kind == SyslogTransportKind.Udp)
        {
            return false;
        }
        if (_tls is not null)
        {
            return TlsPeerClosed();
        }
        try
        {
            if (!_socket.Poll(0, SelectMode.SelectRead))
            {
                return false;
            }
            if (_socket.Available > 0)
            {
                // A syslog collector sends nothing; discard whatever it did send.
                Span<byte> sink = stackalloc byte[512];
                _socket.Receive(sink);
                return false;
            }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private bool TlsPeerClosed()
    {
        if (_pendingRead is { IsCompleted: false } pending && SocketReadable())
        {
            // Something arrived (a TLS record, FIN or RST): give the outstanding read a moment to take it in, so a
            // collector that just went away is seen before this write, as on plain TCP.
            try
            {
                pending.Wait(TimeSpan.FromMilliseconds(100));
            }
            catch (AggregateException)
            {
            }
        }
        if (_pendingRead is not { IsCompleted: true } read)
        {
            return false;
        }
        if (!read.IsCompletedSuccessfully || read.Result == 0)
        {
            return true; // close_notify, FIN, RST or a TLS error
        }
        // Application data from a collector is unexpected: discard it and keep listening.
        _pendingRead = _tls!.ReadAsync(_readBuffer).AsTask();
        return false;
    }

    /// <summary>What was negotiated, for the log: "TLS Tls13 TLS_AES_256_GCM_SHA384, collector CN=..." (empty for TCP and UDP).</summary>
    public string Describe() =>
        _tls is null ? ""
            : $" (TLS {_tls.SslProtocol} {_tls.NegotiatedCipherSuite}, collector {Text.TextEscaper.Escape(_tls.RemoteCertificate?.Subject ?? "?")}" +
              $"{(_tls.LocalCertificate is { } own ? $", client certificate {Text.TextEscaper.Escape(own.Subject)}" : "")})";

    private bool SocketReadable()
    {
        try
        {
            return _socket.Poll(0, SelectMode.SelectRead);
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public void Send(byte[] message)
    {
        if (_kind == SyslogTransportKind.Udp)
        {
            _socket.Send(message);
            return;
        }
        var framed = Rfc5424.OctetCounted(message);
        if (_tls is not null)
        {
            _tls.Write(framed);
            return;
        }
        var sent = 0;
        while (sent < framed.Length)
        {
            sent += _socket.Send(framed, sent, framed.Length - sent, SocketFlags.None);
        }
    }

    public void Dispose()
    {
        if (_tls is not null)
        {
            try
            {
                // close_notify, so the collector reads a clean end rather than a truncation.
                _tls.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(500));
            }
            catch (Exception e) when (e is AggregateException or IOException or ObjectDisposedException or InvalidOperationException)
            {
            }
            _tls.Dispose();
            // The outstanding read ends with the stream; its fault is expected and observed here.
            _pendingRead?.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
        _socket.Dispose();
    }
}
