using N3ttrace.Connections;

namespace N3ttrace.Cli.Live;

/// <summary>One line of the recent-verdicts pane, copied on the pipeline thread. Text is display-safe.</summary>
public sealed record RecentVerdict(RiskLevel Level, DateTime FlaggedUtc, string ConnId, int Pid, string Comm, string Proc, int RemotePort,
    string Remote, string Purpose, string Reason, string State);
