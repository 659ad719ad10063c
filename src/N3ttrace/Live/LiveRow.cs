using N3ttrace.Connections;

namespace N3ttrace.Cli.Live;

/// <summary>One table row, copied from a connection on the pipeline thread. Text is already display-safe.</summary>
public sealed record LiveRow(RiskLevel Level, string Duration, string State, string Remote, string Proc, int Pid,
    string AncestryId, string Purpose, string Score, string Local);
