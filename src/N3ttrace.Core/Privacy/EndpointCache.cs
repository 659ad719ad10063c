using System.Net;

namespace N3ttrace.Privacy;

/// <summary>
/// The on-disk forms of recently seen remote endpoints (mask, scope name, keyed hash). A host
/// talks to the same endpoints over and over, and the HMAC is the costliest step of a birth.
/// Bounded: forgotten all at once when full. Not thread-safe: owned by the pipeline loop.
/// </summary>
public sealed class EndpointCache(EndpointPrivacy privacy, int capacity = 4096)
{
    private readonly Dictionary<(UInt128 Address, bool V6, int Port), (string Masked, string Scope, string Hash)> _entries = [];

    public long Hits { get; private set; }
    public long Misses { get; private set; }

    /// <summary>For a normalized address (<see cref="EndpointPrivacy.Normalize"/>).</summary>
    public (string Masked, string Scope, string Hash) Get(IPAddress remote, int port)
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        remote.TryWriteBytes(bytes, out var written);
        var key = (System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes), written == 16, port);
        if (_entries.TryGetValue(key, out var text))
        {
            Hits++;
            return text;
        }
        Misses++;
        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }
        text = (EndpointPrivacy.Mask(remote), EndpointPrivacy.ScopeName(EndpointPrivacy.Scope(remote)), privacy.Hash(remote, port));
        _entries[key] = text;
        return text;
    }
}
