using System.IO.Compression;
using N3ttrace.Fuzz.Tests.Harness;
using N3ttrace.Trail;
using N3ttrace.Trail.Export;

namespace N3ttrace.Fuzz.Tests.Targets;

/// <summary>
/// `verify --bundle` on damaged bundles: mostly the tar inside is edited and compressed again (so the damage
/// reaches the tar reader, the manifest, SHA256SUMS and the bundled trail, not only gzip's CRC), sometimes the
/// gzip bytes themselves. Each gives a verdict, every problem one line, no exception, and the thread allocates
/// a bounded amount whatever the archive declares.
/// </summary>
public sealed class BundleTarget : IFuzzTarget, IDisposable
{
    /// <summary>Allocations allowed per verification: the 16 MiB small-file cap twice over, plus the streaming buffers and the chain check.</summary>
    public const long AllocationBound = 256L * 1024 * 1024;

    private readonly VerifyKey? _key;
    private readonly List<byte[]> _seeds = [];

    public BundleTarget()
    {
        // Real bundles: the real `export` of a format-2 and of a format-1 trail.
        foreach (var format1 in new[] { false, true })
        {
            using var cli = new CliTarget(format1);
            _seeds.Add(cli.SeedBundle);
            _key ??= cli.Key;
        }
    }

    public string Name => "bundle";

    public IEnumerable<byte[]> GeneratedSeeds() => _seeds;

    public byte[] Mutate(byte[] seed, Mutation[] steps, byte[] donor)
    {
        if (steps[0].Value % 5 == 0 || Gunzip(seed) is not { } tar)
        {
            return Mutator.Apply(seed, steps, donor);
        }
        var mutated = Gzip(Mutator.Apply(tar, steps, Gunzip(donor) ?? donor));
        // Now and then something after the gzip stream: a second member, or garbage.
        if (steps[0].Value % 7 != 0)
        {
            return mutated;
        }
        var tail = Mutator.Apply(mutated, steps, donor);
        return [.. mutated, .. tail[..Math.Min(4096, tail.Length)]];
    }

    public void Execute(byte[] input)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var v = BundleVerifier.Verify(new MemoryStream(input), null, _key);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationBound)
        {
            throw new FuzzFinding($"memory: verifying a {input.Length}-byte bundle allocated {allocated} bytes");
        }
        if (v.Ok == v.Problems.Count > 0)
        {
            throw new FuzzFinding("verdict and problems disagree");
        }
        foreach (var line in v.Problems.Concat(v.Files.Select(f => f.Name)).Append(v.HostName ?? "").Append(v.CaseId ?? ""))
        {
            if (line.Any(char.IsControl))
            {
                throw new FuzzFinding($"a verdict line holds a control character: {N3ttrace.Text.TextEscaper.Escape(line)}");
            }
        }
    }

    public static byte[]? Gunzip(byte[] gz)
    {
        try
        {
            using var z = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
            var ms = new MemoryStream();
            z.CopyTo(ms);
            return ms.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    public static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(data);
        }
        return ms.ToArray();
    }

    public void Dispose()
    {
    }
}
