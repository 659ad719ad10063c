namespace N3ttrace.Inference;

/// <summary>
/// The (executable, destination) pairs this host has made before. Core only asks; where the
/// pairs are kept (baseline.tsv in the state directory) is the trail's business (N3ttrace.Trail.HostBaseline).
/// </summary>
public interface IHostBaseline : IDisposable
{
    int Count { get; }

    /// <summary>True the first time exe reaches remoteHash on this host; the pair is remembered from then on.</summary>
    bool Learn(string exe, string remoteHash, DateTime nowUtc);

    void Flush();
}
