using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>
/// What a root intruder can do with the files and the current sealing key: change rows, recompute
/// every plain hash after them, re-point the checkpoints and re-MAC them with the key they hold.
/// </summary>
internal static class Intruder
{
    public static (long Epoch, byte[] Key) StealKey(TrailFixture t)
    {
        var p = File.ReadAllText(t.File(SealingKey.FileName)).TrimEnd().Split(' ');
        return (long.Parse(p[3], CultureInfo.InvariantCulture), Convert.FromHexString(p[4]));
    }

    /// <summary>Recomputes chain_prev and chain_hash of every row (and the mac with the given key, for the sealed file).
    /// Returns seq -> new hash.</summary>
    public static Dictionary<long, string> Rechain(string path, string tag, Func<string[], string[]>? edit = null, Func<string[], string>? mac = null)
    {
        var lines = File.ReadAllLines(path);
        var storesPrev = lines[0].Split('\t').Contains(ChainColumns.Prev); // format 1; format 2 hashes prev without storing it
        var prev = ChainHash.Genesis;
        var prefix = $"n3ttrace-chain-v1\n{tag}\n"; // the documented recipe, computed here independently
        var hashes = new Dictionary<long, string>();
        for (var i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split('\t');
            if (edit is not null)
            {
                f = edit(f);
            }
            var hashIdx = f.Length - (mac is null ? 1 : 2);
            if (storesPrev)
            {
                f[hashIdx - 1] = prev;
            }
            var hashed = string.Join('\t', f[..hashIdx]) + (storesPrev ? "" : "\t" + prev);
            f[hashIdx] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix + hashed)));
            if (mac is not null)
            {
                f[^1] = mac(f);
            }
            prev = f[hashIdx];
            hashes[long.Parse(f[hashIdx - (storesPrev ? 3 : 2)], CultureInfo.InvariantCulture)] = prev;
            lines[i] = string.Join('\t', f);
        }
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return hashes;
    }
}
