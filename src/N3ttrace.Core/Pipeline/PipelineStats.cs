namespace N3ttrace.Pipeline;

/// <summary>Counters of the pipeline and of its source. Drops are counted, never hidden.</summary>
public sealed class PipelineStats
{
    public long Events { get; set; }
    public long Births { get; set; }
    public long Fails { get; set; }
    public long Deaths { get; set; }
    /// <summary>Deaths of sockets whose birth was never seen (reported, not recorded as connections).</summary>
    public long UnmatchedDeaths { get; set; }
    /// <summary>Unmatched deaths that name their birth (a resumed kernel side): handed to the sinks as <see cref="CarriedDeath"/>.</summary>
    public long CarriedDeaths { get; set; }
    /// <summary>Connections whose death was lost (kernel drop) and that were retired when their socket key was reused.</summary>
    public long LostDeaths { get; set; }
    /// <summary>Sockets whose owning process was gone before it could be read (recorded with what is known).</summary>
    public long Unattributed { get; set; }
    public long SourceEmitted { get; set; }
    public long SourceDropped { get; set; }
    public long SourceUntracked { get; set; }
    public long SourceOrphans { get; set; }
    public long SourceMalformed { get; set; }
    public long SourceUnowned { get; set; }
    /// <summary>When the source read the counters above (boot ns; 0: never): a drop happened before this reading.</summary>
    public long SourceCountersBootNs { get; set; }
}
