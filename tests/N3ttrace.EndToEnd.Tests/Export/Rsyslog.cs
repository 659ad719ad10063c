namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>
/// A real rsyslogd on loopback with its own configuration (no system config): imtcp or imudp on a free
/// port, every message written to a file as "protocol-version TAB facility TAB severity TAB hostname TAB
/// app-name TAB procid TAB msgid TAB timestamp TAB msg", i.e. the fields rsyslog's RFC 5424 parser found.
/// </summary>
internal sealed class Rsyslog : IDisposable
{
    private readonly RsyslogDaemon _daemon;

    public int Port => _daemon.Port;
    public string OutputFile => Path.Combine(_daemon.Dir, "received.log");

    public Rsyslog(bool udp = false)
    {
        _daemon = new RsyslogDaemon("n3t-rsyslog-", udp);
        var module = udp ? "imudp" : "imtcp";
        File.WriteAllText(Path.Combine(_daemon.Dir, "rsyslog.conf"), $"""
            global(workDirectory="{_daemon.Dir}" maxMessageSize="128k")
            module(load="{module}")
            input(type="{module}" port="{Port}" address="127.0.0.1")
            template(name="fields" type="string" string="%protocol-version%\t%syslogfacility%\t%syslogseverity%\t%hostname%\t%app-name%\t%procid%\t%msgid%\t%timereported:::date-rfc3339%\t%msg%\n")
            action(type="omfile" file="{OutputFile}" template="fields")
            """);
        Start();
    }

    public void Start() => _daemon.Start();

    /// <summary>SIGKILL, as a crashed collector; returns once the process (and its sockets) are gone.</summary>
    public void Kill() => _daemon.Kill();

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

    public void Dispose() => _daemon.Dispose();
}
