using N3ttrace.Connections;

namespace N3ttrace.Pipeline;

/// <summary>Purpose inference and risk scoring (see Inference/). Runs on the pipeline thread.</summary>
public interface IVerdictEngine
{
    /// <summary>The verdict at birth (or failure).</summary>
    Verdict Judge(Connection c, long nowBootNs);

    /// <summary>
    /// A last look at a live connection as it closes, before its death is recorded: a shell spawned over it a moment
    /// ago must not be missed because the connection ended before the next tick. Null when the verdict stands.
    /// </summary>
    Verdict? BeforeEnd(Connection c, long nowBootNs) => null;

    /// <summary>Lets the engine learn from a finished connection (lifetimes, baselines).</summary>
    void OnEnd(Connection c);

    /// <summary>Re-judges live connections whose verdict may have changed (longevity); returns the changed ones.</summary>
    IEnumerable<(Connection Connection, Verdict Verdict)> Reassess(IReadOnlyCollection<Connection> active, long nowBootNs);
}

/// <summary>Used until an inference engine is configured: every connection unknown and NORMAL.</summary>
public sealed class NoVerdicts : IVerdictEngine
{
    public Verdict Judge(Connection c, long nowBootNs) => Verdict.Unscored;

    public void OnEnd(Connection c) { }

    public IEnumerable<(Connection Connection, Verdict Verdict)> Reassess(IReadOnlyCollection<Connection> active, long nowBootNs) => [];
}
