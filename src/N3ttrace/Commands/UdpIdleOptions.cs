using System.CommandLine;
using N3ttrace.Capture.Ebpf;

namespace N3ttrace.Cli.Commands;

/// <summary>`run --udp-idle DURATION --udp-idle-replied DURATION`: when an unconnected UDP flow is over (docs/flows.md).</summary>
internal static class UdpIdleOptions
{
    public static (Option<TimeSpan> Unreplied, Option<TimeSpan> Replied) Create()
    {
        var unreplied = Numbers.Duration("--udp-idle",
            "An unconnected UDP flow (one socket's datagrams to one destination) that was never answered ends after this long without a datagram sent; its next one is a new flow",
            UdpIdleTimeouts.Default.Unreplied, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        var replied = Numbers.Duration("--udp-idle-replied",
            "The same for a flow the destination answered",
            UdpIdleTimeouts.Default.Replied, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        return (unreplied, replied);
    }
}
