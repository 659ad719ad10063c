using N3ttrace.Trail;

namespace N3ttrace.Trail.Export;

/// <summary>
/// The seam for the trail's own verification (hash chain, sealing): export runs it over the state
/// directory and puts its report and chain heads into the bundle. Export works without one and says so.
/// </summary>
public interface ITrailVerifier
{
    TrailVerification Verify(StateDirectory dir);
}

/// <param name="ChainHeads">Name of each chain (e.g. a file) to the hash of its last record.</param>
public sealed record TrailVerification(bool Ok, string Report, IReadOnlyDictionary<string, string> ChainHeads);
