namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// When an unconnected UDP flow (one socket's datagrams to one destination) is over though its socket lives on: after
/// <paramref name="Unreplied"/> without a datagram sent when the destination never answered, after
/// <paramref name="Replied"/> when it did. The death is dated at the last datagram sent plus the timeout.
/// </summary>
public sealed record UdpIdleTimeouts(TimeSpan Unreplied, TimeSpan Replied)
{
    public static readonly UdpIdleTimeouts Default = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(120));
}
