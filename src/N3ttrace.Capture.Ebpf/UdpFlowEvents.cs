using N3ttrace.Capture.Ebpf.Native;
using N3ttrace.Events;

namespace N3ttrace.Capture.Ebpf;

/// <summary>A UDP flow's first datagram as the kernel reported it: <see cref="UdpFlowTable"/> decides whether it is a birth.</summary>
/// <param name="Opened">The birth as the pipeline would see it (Key: the kernel's flow id).</param>
/// <param name="Cookie">The sending socket's cookie: its release ends the flow.</param>
/// <param name="Connected">A connected socket's flow ends only with the socket (its sends are not in n3t_udp_flows).</param>
/// <param name="Flow">The flow's key in n3t_udp_flows (unconnected flows), for the idle sweep.</param>
/// <param name="PrevLastNs">Born again after idling: when its predecessor on the same key last sent (0: a first birth).</param>
/// <param name="PrevReplied">That predecessor had been answered.</param>
internal sealed record UdpFlowSeen(ConnectionOpened Opened, ulong Cookie, bool Connected, UdpFlowKey Flow, long PrevLastNs = 0, bool PrevReplied = false)
    : CaptureEvent(Opened.BootNs);

/// <summary>A socket that carried UDP flows was released: every flow of it ends.</summary>
internal sealed record UdpSocketReleased(long BootNs, ulong Cookie) : CaptureEvent(BootNs);
