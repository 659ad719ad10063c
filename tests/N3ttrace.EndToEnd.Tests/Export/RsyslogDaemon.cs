using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>
/// The rsyslogd process behind a test collector (plain or TLS): started in the foreground on the rsyslog.conf its
/// owner wrote into <see cref="Dir"/>, ready once its loopback port answers, killed by its PID, its files removed.
/// </summary>
internal sealed class RsyslogDaemon : IDisposable
{
    public const string Binary = "/usr/sbin/rsyslogd";
    private readonly bool _udp;
    private Process? _process;

    public RsyslogDaemon(string prefix, bool udp = false)
    {
        Assert.True(File.Exists(Binary), $"{Binary} missing: `make deps` installs the Debian package rsyslog");
        _udp = udp;
        Dir = Directory.CreateTempSubdirectory(prefix).FullName;
        Port = FreePort(udp);
    }

    public string Dir { get; }
    public int Port { get; }

    /// <summary>Starts rsyslogd (again, after <see cref="Kill"/>: same port, same files); returns once it listens.</summary>
    public void Start()
    {
        var psi = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-n", "-f", Path.Combine(Dir, "rsyslog.conf"), "-i", Path.Combine(Dir, "rsyslogd.pid") })
        {
            psi.ArgumentList.Add(a);
        }
        _process = Process.Start(psi)!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!Listening())
        {
            Assert.False(_process.HasExited, "rsyslogd exited at start");
            Assert.True(DateTime.UtcNow < deadline, "rsyslogd did not listen within 15 s");
            Thread.Sleep(50);
        }
    }

    /// <summary>SIGKILL, as a crashed collector; returns once the process (and its sockets) are gone.</summary>
    public void Kill()
    {
        _process!.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    private bool Listening()
    {
        if (_udp)
        {
            // imudp has no handshake: rsyslogd is ready once the port is taken.
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, Port));
                return false;
            }
            catch (SocketException)
            {
                return true;
            }
        }
        // A completed handshake is enough; rsyslog sees a connection that sends nothing and closes.
        try
        {
            using var c = new TcpClient();
            c.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort(bool udp)
    {
        if (udp)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)s.LocalEndPoint!).Port;
        }
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Stops rsyslogd by its PID (SIGKILL: nothing of it is under test at that point) and removes its files.</summary>
    public void Dispose()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process?.Dispose();
        _process = null;
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
