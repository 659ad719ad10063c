using N3ttrace.Connections;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Live;

/// <summary>What the live view shows: a minimum level (the l key cycles it), a comm glob and a remote port (run options).</summary>
public sealed record LiveFilter(RiskLevel MinLevel = RiskLevel.Normal, string? Comm = null, int? Port = null)
{
    public static readonly LiveFilter All = new();

    public bool Matches(RiskLevel level, string comm, int port) =>
        level >= MinLevel && QueryFilter.Matches(Comm, comm) && (Port is null || Port == port);

    public bool Matches(Connection c) => Matches(c.Verdict.Level, c.Comm, c.RemotePort);

    /// <summary>"" when nothing is filtered, else e.g. "filter level>=THREAT comm=curl* port=443".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (MinLevel > RiskLevel.Normal)
        {
            parts.Add($"level>={Verdict.LevelName(MinLevel)}");
        }
        if (Comm is not null)
        {
            parts.Add($"comm={DisplayText.Safe(Comm)}");
        }
        if (Port is { } p)
        {
            parts.Add($"port={p}");
        }
        return parts.Count == 0 ? "" : "filter " + string.Join(' ', parts);
    }
}
