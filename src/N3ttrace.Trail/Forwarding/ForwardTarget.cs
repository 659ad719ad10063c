using System.Globalization;

namespace N3ttrace.Trail.Forwarding;

/// <summary>Where `run --forward` sends records: syslog+tcp://HOST:PORT, syslog+udp://HOST:PORT or syslog+tls://HOST:PORT.</summary>
public sealed record ForwardTarget(SyslogTransportKind Transport, string Host, int Port)
{
    public override string ToString() =>
        $"syslog+{Transport switch { SyslogTransportKind.Tcp => "tcp", SyslogTransportKind.Udp => "udp", _ => "tls" }}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";

    public static bool TryParse(string text, out ForwardTarget? target, out string error)
    {
        target = null;
        error = "";
        SyslogTransportKind kind;
        string rest;
        if (text.StartsWith("syslog+tcp://", StringComparison.OrdinalIgnoreCase))
        {
            kind = SyslogTransportKind.Tcp;
            rest = text["syslog+tcp://".Length..];
        }
        else if (text.StartsWith("syslog+udp://", StringComparison.OrdinalIgnoreCase))
        {
            kind = SyslogTransportKind.Udp;
            rest = text["syslog+udp://".Length..];
        }
        else if (text.StartsWith("syslog+tls://", StringComparison.OrdinalIgnoreCase))
        {
            kind = SyslogTransportKind.Tls;
            rest = text["syslog+tls://".Length..];
        }
        else
        {
            error = "--forward takes syslog+tcp://HOST:PORT, syslog+udp://HOST:PORT or syslog+tls://HOST:PORT";
            return false;
        }
        rest = rest.TrimEnd('/');
        string host;
        string port;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= rest.Length || rest[close + 1] != ':')
            {
                error = "--forward: an IPv6 collector is written [ADDR]:PORT";
                return false;
            }
            host = rest[1..close];
            port = rest[(close + 2)..];
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            if (colon <= 0)
            {
                error = "--forward: the collector needs HOST:PORT (syslog usually listens on 514 or 6514)";
                return false;
            }
            host = rest[..colon];
            port = rest[(colon + 1)..];
        }
        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '@'))
        {
            error = "--forward: bad collector host name";
            return false;
        }
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
        {
            error = "--forward: the port must be 1-65535";
            return false;
        }
        target = new ForwardTarget(kind, host, p);
        return true;
    }
}
