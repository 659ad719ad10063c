using System.Runtime.InteropServices;

namespace N3ttrace.Capture.Ebpf.Native;

// Mirrors of bpf/n3ttrace.h. EventLayoutTests compiles the header and checks every offset.

internal enum EventKind : uint
{
    ConnBirth = 1,
    ConnFail = 2,
    ConnDeath = 3,
    ProcFork = 4,
    ProcExec = 5,
    ProcExit = 6,
    ProcCtx = 7,
    Listen = 8,
    Accept = 9,
    UdpBirth = 10,
    UdpRelease = 11,
}

[Flags]
internal enum CtxFlags : uint
{
    CwdTrunc = 1 << 0,
    ExeDeleted = 1 << 1,
    ArgvChanged = 1 << 2,
    First = 1 << 3,
}

[Flags]
internal enum ExecFlags : uint
{
    ArgvTrunc = 1 << 0,
    EnvTrunc = 1 << 1,
    CwdTrunc = 1 << 2,
    ExeTrunc = 1 << 3,
    ExeDeleted = 1 << 4,
    ArgvFault = 1 << 5,
    EnvFault = 1 << 6,
    StdinSock = 1 << 7,
    StdoutSock = 1 << 8,
    StderrSock = 1 << 9,
}

internal enum StatIndex : uint
{
    Emitted = 0,
    Dropped = 1,
    MapFull = 2,
    Orphan = 3,
    Unowned = 4,
    UdpUnmarked = 5,
    Count = 6,
}

/// <summary>Slots of the map n3t_ctl (enum n3t_ctl_slot).</summary>
internal enum CtlSlot : uint
{
    SelfTgid = 0,
    SelfStart = 1,
    LoadedNs = 2,
    AckDropped = 3,
    AckMapFull = 4,
    UdpIdleNs = 5,
    UdpRepliedNs = 6,
    Count = 7,
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ConnRecord
{
    public uint Kind;
    public ushort OldState;
    public ushort Family;
    public ulong TsNs;
    public ulong SockId;
    public ulong BytesAcked;
    public ulong BytesReceived;
    public uint Tgid;
    public uint Tid;
    public uint Uid;
    public ushort Sport;
    public ushort Dport;
    public ulong ConnectNs;
    // A DEATH record ends here (see n3ttrace.h): DeathSize bytes.
    public ulong StartTicks;
    public ulong CgroupId;
    public fixed byte Saddr[16];
    public fixed byte Daddr[16];
    public fixed byte Comm[16];
    public uint Netns;
    public uint Pad0;

    /// <summary>Bytes of a DEATH record: everything before <see cref="StartTicks"/> (its <see cref="ConnectNs"/> is the birth's).</summary>
    public static readonly int DeathSize = (int)Marshal.OffsetOf<ConnRecord>(nameof(StartTicks));
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ForkRecord
{
    public uint Kind;
    public uint ParentTgid;
    public ulong TsNs;
    public ulong ParentStartTicks;
    public uint ChildTgid;
    public uint Pad0;
    public ulong ChildStartTicks;
    public fixed byte Comm[16];
}

[StructLayout(LayoutKind.Sequential)]
internal struct ExitRecord
{
    public uint Kind;
    public uint Tgid;
    public ulong TsNs;
    public ulong StartTicks;
    public int ExitCode;
    public uint Pad0;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ExecRecord
{
    public uint Kind;
    public uint Tgid;
    public ulong TsNs;
    public ulong StartTicks;
    public ulong CgroupId;
    public ulong ParentStartTicks;
    public uint ParentTgid;
    public uint Uid;
    public uint Gid;
    public uint LoginUid;
    public uint Sid;
    public uint Flags;
    public uint ArgvLen;
    public uint EnvLen;
    public uint CwdLen;
    public uint ExeLen;
    public uint ArgvFullLen;
    public uint EnvFullLen;
    public fixed byte Comm[16];
    public fixed byte Tty[32];
    /// <summary>Three <see cref="FdRecord"/>: fds 0, 1, 2 at exec.</summary>
    public fixed byte Stdio[48];
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FdRecord
{
    public ulong Ino;
    public uint Dev;
    public byte Kind;
    public fixed byte Pad[3];
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CtxRecord
{
    public uint Kind;
    public uint Tgid;
    public ulong TsNs;
    public ulong StartTicks;
    public uint Flags;
    public uint CwdLen;
    public uint Sid;
    public uint Pad0;
    public fixed byte Tty[32];
}

/// <summary>Key of the map n3t_listen (struct n3t_listen_key): a listening port in its network namespace.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ListenKey
{
    public uint Netns;
    public ushort Port;
    public ushort Pad0;
}

/// <summary>struct n3t_udp_birth: a UDP flow's first datagram.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UdpBirthRecord
{
    public ConnRecord Conn;
    public ulong Cookie;
    public ulong PrevLastNs;
    public uint Connected;
    public uint PrevReplied;
}

/// <summary>struct n3t_udp_release: every flow of the socket with this cookie ended.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UdpReleaseRecord
{
    public uint Kind;
    public uint Pad0;
    public ulong TsNs;
    public ulong Cookie;
}

/// <summary>Key of the map n3t_udp_flows (struct n3t_udp_key): one unconnected flow, (socket, destination).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct UdpFlowKey
{
    public ulong Cookie;
    public fixed byte Daddr[16];
    public ushort Dport;
    public ushort Family;
    public uint Pad0;
}

/// <summary>Value of n3t_udp_flows (struct n3t_udp_flow).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UdpFlowValue
{
    public ulong FlowId;
    public ulong LastNs;
    public ulong ReplyNs;
}
