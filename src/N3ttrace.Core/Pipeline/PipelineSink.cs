using N3ttrace.Connections;

namespace N3ttrace.Pipeline;

/// <summary>
/// Where the pipeline's results go: the trail, the timeline, the live view, forwarders.
/// All calls come from the pipeline thread, in event order; a sink must not block for long.
/// </summary>
public abstract class PipelineSink : IDisposable
{
    /// <summary>An outbound connection was established (or found already open at start).</summary>
    public virtual void OnBirth(Connection c) { }

    /// <summary>A connect() failed; c.State is Failed and c.EndUtc is set.</summary>
    public virtual void OnFail(Connection c) { }

    /// <summary>An established connection closed; c.State is Closed.</summary>
    public virtual void OnDeath(Connection c) { }

    /// <summary>A death whose birth an earlier run of a pinned kernel side wrote (this run never had the connection).</summary>
    public virtual void OnCarriedDeath(CarriedDeath d) { }

    /// <summary>The verdict of a live connection changed after birth.</summary>
    public virtual void OnVerdictChange(Connection c, Verdict previous) { }

    /// <summary>Called every tick (and once at stop): flush, redraw.</summary>
    public virtual void OnTick(PipelineView view) { }

    /// <summary>Waits until everything handed to this sink so far is written where a killed process cannot lose it.</summary>
    public virtual void WaitWritten() { }

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
