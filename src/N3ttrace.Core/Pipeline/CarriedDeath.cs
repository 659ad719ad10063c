namespace N3ttrace.Pipeline;

/// <summary>
/// The death of a connection this run never saw born: its birth was read (and written) by an earlier run of a kernel
/// side that stays pinned, and the death came after that run's last freed ring position. Named by the conn_id the
/// birth got (the source says the birth's time), so the trail can close the connection the earlier run opened.
/// </summary>
public sealed record CarriedDeath(string ConnId, long BirthBootNs, long EndBootNs, DateTime EndUtc, ulong BytesSent, ulong BytesReceived);
