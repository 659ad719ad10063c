using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>
/// A real rsyslogd on loopback with its own configuration (no system config): imtcp or imudp on a free
/// port, every message written to a file as "protocol-version TAB facility TAB severity TAB hostname TAB
/// app-name TAB procid TAB msgid TAB timestamp TAB msg", i.e. the fields rsyslog's RFC 5424 parser found.
/// </summary>
internal sealed class Rsyslog : IDisposable
{
    public const string Binary = "/usr/sbin/rsyslogd";
    private readonly string _dir;
    private readonly bool _udp;
    private Process? _process;

    public int Port { get; }
    public string OutputFile => Path.Combine(_dir, "received.log");

    public Rsyslog(bool udp = false)
    {
        Assert.True(File.Exists(Binary), $"{Binary} missing: `make deps` installs the Debian package rsyslog");
        _udp = udp;
        _dir = Directory.CreateTempSubdirectory("n3t-rsyslog-").FullName;
        Port = FreePort(udp);
        var module = udp ? "imudp" : "imtcp";
        File.WriteAllText(Path.Combine(_dir, "rsyslog.conf"), $"""
            global(workDirectory="{_dir}" maxMessageSize="128k")
            module(load="{module}")
            input(type="{module}" port="{Port}" address="127.0.0.1")
            template(name="fields" type="string" string="%protocol-version%\t%syslogfacility%\t%syslogseverity%\t%hostname%\t%app-name%\t%procid%\t%msgid%\t%timereported:::date-rfc3339%\t%msg%\n")
            action(type="omfile" file="{OutputFile}" template="fields")
            """);
        Start();
    }

    public void Start()
    {
        var psi = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-n", "-f", Path.Combine(_dir, "rsyslog.conf"), "-i", Path.Combine(_dir, "rsyslogd.pid") })
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

    /// <summary>Received messages, split into the fields of the template.</summary>
    public List<string[]> Messages() =>
        File.Exists(OutputFile)
            ? File.ReadAllLines(OutputFile).Where(l => l.Length > 0).Select(l => l.Split('\t', 9)).ToList()
            : [];

    /// <summary>Waits until <paramref name="done"/> holds for the received messages.</summary>
    public List<string[]> WaitFor(Func<List<string[]>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var m = Messages();
            if (done(m) || DateTime.UtcNow > deadline)
            {
                return m;
            }
            Thread.Sleep(100);
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

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
