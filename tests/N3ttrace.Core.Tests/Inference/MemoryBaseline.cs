using N3ttrace.Inference;

namespace N3ttrace.Core.Tests.Inference;

/// <summary>A host baseline kept in memory, for engine tests in Core (the file-backed one, HostBaseline, is tested in Trail.Tests).</summary>
internal sealed class MemoryBaseline : IHostBaseline
{
    private readonly HashSet<(string, string)> _seen = [];
    public int Count => _seen.Count;
    public bool Learn(string exe, string remoteHash, DateTime nowUtc) => _seen.Add((exe, remoteHash));
    public void Flush() { }
    public void Dispose() { }
}
