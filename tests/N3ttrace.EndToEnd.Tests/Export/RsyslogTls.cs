using System.Text.Json;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>
/// A real rsyslogd receiving syslog over TLS (RFC 5425) on loopback: imtcp with rsyslog-gnutls' gtls stream driver,
/// a client certificate required (x509/certvalid, mutual TLS), its own config, pid file and output file. Structured
/// data is parsed by rsyslog's own mmpstrucdata; each message is written as
/// "msgid TAB structured-data TAB parsed structured data as JSON TAB msg".
/// </summary>
internal sealed class RsyslogTls : IDisposable
{
    private readonly RsyslogDaemon _daemon;

    public int Port => _daemon.Port;
    public string OutputFile => Path.Combine(_daemon.Dir, "received.log");

    public RsyslogTls(TestPki pki)
    {
        Assert.True(File.Exists("/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so") || File.Exists("/usr/lib/aarch64-linux-gnu/rsyslog/lmnsd_gtls.so"),
            "rsyslog's gtls driver missing: `make deps` installs the Debian package rsyslog-gnutls");
        _daemon = new RsyslogDaemon("n3t-rsyslog-tls-");
        File.WriteAllText(Path.Combine(_daemon.Dir, "rsyslog.conf"), $"""
            global(workDirectory="{_daemon.Dir}" maxMessageSize="128k"
                   defaultNetstreamDriver="gtls"
                   defaultNetstreamDriverCAFile="{pki.CaCert}"
                   defaultNetstreamDriverCertFile="{pki.ServerCert}"
                   defaultNetstreamDriverKeyFile="{pki.ServerKey}")
            module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="x509/certvalid")
            module(load="mmpstrucdata")
            input(type="imtcp" port="{Port}" address="127.0.0.1")
            template(name="fields" type="string" string="%msgid%\t%structured-data%\t%$!rfc5424-sd%\t%msg%\n")
            action(type="mmpstrucdata")
            action(type="omfile" file="{OutputFile}" template="fields")
            """);
        Start();
    }

    /// <summary>Starts rsyslogd (again, after <see cref="Kill"/>: same port, same output file).</summary>
    public void Start() => _daemon.Start();

    /// <summary>SIGKILL, as a crashed collector; returns once the process (and its sockets) are gone.</summary>
    public void Kill() => _daemon.Kill();

    /// <summary>One received message: MSGID, the raw STRUCTURED-DATA, rsyslog's parse of it and the body.</summary>
    public sealed record Message(string MsgId, string RawSd, JsonElement? ParsedSd, string Body)
    {
        /// <summary>The value of one of n3ttrace's SD-PARAMs as rsyslog parsed it, or null.</summary>
        public string? Sd(string name) =>
            ParsedSd is { ValueKind: JsonValueKind.Object } sd && sd.TryGetProperty("n3ttrace@32473", out var e) && e.TryGetProperty(name, out var v)
                ? v.GetString() : null;
    }

    public List<Message> Messages()
    {
        if (!File.Exists(OutputFile))
        {
            return [];
        }
        var list = new List<Message>();
        foreach (var line in File.ReadAllLines(OutputFile))
        {
            var f = line.Split('\t', 4);
            if (f.Length < 4)
            {
                continue; // a line still being written
            }
            JsonElement? parsed = null;
            try
            {
                parsed = JsonDocument.Parse(f[2]).RootElement;
            }
            catch (JsonException)
            {
            }
            list.Add(new Message(f[0], f[1], parsed, f[3]));
        }
        return list;
    }

    /// <summary>Stops rsyslogd by its PID and removes its files.</summary>
    public void Dispose() => _daemon.Dispose();
}
