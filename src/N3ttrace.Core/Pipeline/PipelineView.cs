using N3ttrace.Connections;

namespace N3ttrace.Pipeline;

/// <summary>What a sink sees at a tick: the live connections and the counters. Valid only during the call.</summary>
public sealed record PipelineView(
    DateTime NowUtc,
    long NowBootNs,
    string Mode,
    string ModeNote,
    IReadOnlyCollection<Connection> Active,
    PipelineStats Stats,
    Lifetimes.LifetimeStats Lifetimes,
    bool Final);
