using System.Net;
using System.Net.Sockets;

namespace N3ttrace.Trail.Forwarding;

/// <summary>
/// One connected socket to the collector. TCP sends octet-counted frames; UDP one datagram per message.
/// Blocking, used only by the forwarder's own thread.
/// </summary>
internal sealed class SyslogConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly SyslogTransportKind _kind;

    private SyslogConnection(Socket socket, SyslogTransportKind kind)
    {
        _socket = socket;
        _kind = kind;
    }

    public static SyslogConnection Open(ForwardTarget target, TimeSpan timeout)
    {
        var addresses = IPAddress.TryParse(target.Host, out var ip) ? [ip] : Dns.GetHostAddresses(target.Host);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
        var ep = new IPEndPoint(addresses[0], target.Port);
        var socket = target.Transport == SyslogTransportKind.Tcp
            ? new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(ep.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // A collector that stops reading must not hang the forwarder forever: the send fails, it reconnects.
            socket.SendTimeout = (int)timeout.TotalMilliseconds;
            using var cts = new CancellationTokenSource(timeout);
            socket.ConnectAsync(ep, cts.Token).AsTask().GetAwaiter().GetResult();
            return new SyslogConnection(socket, target.Transport);
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            throw new SocketException((int)SocketError.TimedOut);
        }
        catch
        {
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
        if (_kind != SyslogTransportKind.Tcp)
        {
            return false;
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

    public void Send(byte[] message)
    {
        if (_kind == SyslogTransportKind.Tcp)
        {
            var framed = Rfc5424.OctetCounted(message);
            var sent = 0;
            while (sent < framed.Length)
            {
                sent += _socket.Send(framed, sent, framed.Length - sent, SocketFlags.None);
            }
        }
        else
        {
            _socket.Send(message);
        }
    }

    public void Dispose() => _socket.Dispose();
}
