using System.Text;
using N3ttrace.Fuzz.Tests.Harness;
using N3ttrace.Fuzz.Tests.Seeds;
using N3ttrace.Trail;

namespace N3ttrace.Fuzz.Tests.Targets;

/// <summary>
/// --verify-key: any text is a key or not (never an exception); a key prints back to the text it was read from;
/// and verifying a real sealed trail with any key that parses gives a report (damaged or intact), never a crash or a hang.
/// </summary>
public sealed class VerifyKeyTarget : IFuzzTarget, IDisposable
{
    private readonly SeedTrail _trail = new(format1: false, events: 120);

    public string Name => "verify-key";

    public IEnumerable<byte[]> GeneratedSeeds()
    {
        var k = _trail.Key;
        yield return Encoding.ASCII.GetBytes(k.ToString());
        yield return Encoding.ASCII.GetBytes(new VerifyKey(k.Seed, k.T0Unix + 3600, k.EpochSeconds).ToString());
        yield return Encoding.ASCII.GetBytes(new VerifyKey(k.Seed, 0, 1).ToString());
    }

    public void Execute(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        if (!VerifyKey.TryParse(text, out var key))
        {
            return;
        }
        if (!VerifyKey.TryParse(key!.ToString(), out var again) || again!.ToString() != key.ToString())
        {
            throw new FuzzFinding($"key does not print back: '{text}' -> '{key}'");
        }
        TrailVerifier.Verify(_trail.Dir.Path, key);
    }

    public void Dispose() => _trail.Dispose();
}
