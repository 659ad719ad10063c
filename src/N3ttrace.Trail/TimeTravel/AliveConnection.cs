namespace N3ttrace.Trail.TimeTravel;

/// <summary>One connection as the timeline knows it at an instant: who, where (masked), since when, at what level.</summary>
public sealed record AliveConnection(
    string ConnId, int Pid, string Comm, string AncestryId, string RemoteMasked, string RemoteHash, int RemotePort,
    DateTime Birth, DateTime? Death, string Level, string Score, string Purpose, string Direction = "outbound");
