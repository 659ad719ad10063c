namespace N3ttrace.Trail.Forwarding;

public enum SyslogTransportKind
{
    /// <summary>RFC 6587 octet-counted frames over one TCP connection.</summary>
    Tcp,
    /// <summary>One RFC 5426 datagram per message.</summary>
    Udp,
    /// <summary>RFC 5425: octet-counted frames over TLS, the server's certificate and name verified.</summary>
    Tls,
}
