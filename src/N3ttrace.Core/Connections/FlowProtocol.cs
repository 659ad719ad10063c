namespace N3ttrace.Connections;

/// <summary>
/// The transport of a flow. A TCP flow is a connection (or a listener); a UDP flow is a socket's datagrams to one
/// destination (one per connected socket), born with the first and dead when the socket closes or the flow goes idle.
/// Trails written before the proto column hold TCP only, so a missing value reads as tcp.
/// </summary>
public enum FlowProtocol
{
    Tcp,
    Udp,
}

/// <summary>The record text of <see cref="FlowProtocol"/> (the `proto` column).</summary>
public static class FlowProtocols
{
    public const string Tcp = "tcp";
    public const string Udp = "udp";

    public static readonly IReadOnlyList<string> Names = [Tcp, Udp];

    public static string Name(FlowProtocol p) => p == FlowProtocol.Udp ? Udp : Tcp;

    /// <summary>A record's value: empty (a trail older than the column) is tcp; an unknown value is null.</summary>
    public static FlowProtocol? Parse(string? text) => text switch
    {
        null or "" or Tcp => FlowProtocol.Tcp,
        Udp => FlowProtocol.Udp,
        _ => null,
    };

    /// <summary>IANA protocol number (OCSF connection_info.protocol_num).</summary>
    public static int Number(FlowProtocol p) => p == FlowProtocol.Udp ? 17 : 6;
}
