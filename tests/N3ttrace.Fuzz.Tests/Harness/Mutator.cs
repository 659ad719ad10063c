using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace N3ttrace.Fuzz.Tests.Harness;

/// <summary>
/// Coverage-less mutation: FsCheck generates plans of 1 to 8 edits (bit flips, bytes, deletions, duplications,
/// splices with another seed, and tokens that sit on the parsers' edges: separators, signs, huge numbers,
/// non-ASCII digits, NaN), applied to seed inputs.
/// </summary>
public static class Mutator
{
    /// <summary>Tokens on the edges of what n3ttrace parses.</summary>
    public static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "\t", "\n", "\r\n", "\0", "-", "+", ".", ",", ":", "=", "+=", "#", "[", "]", "/", "..", "\\", "\\x", "\\xff", " ",
            "0", "1", "-1", "9", "255", "256", "65535", "65536", "2147483647", "2147483648", "-2147483649", "4294967296",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999999",
            "1e300", "1e309", "-1e309", "NaN", "Infinity", "-0", "0x10", "1.5", ".5", "5.", "1,5",
            "\u0663", "\uFF11", "\u00A0", "\u200B", "\uFEFF", "\xFF\xFE", "ms", "s", "m", "h", "d", "w", "ago", "now", "yesterday", "today",
            "T", "Z", "+14:00", "-12:00", "9999-12-31", "0001-01-01", "1969-12-31T23:59:59Z", "2199-12-31T23:59:59Z", "24:00", "23:59:60",
            "n3v1-", "start", "stop", "gap", "idle", "mac", "chain_hash", "conn_id", "ts", "epoch", "0000000000000000",
        }.Select(Encoding.UTF8.GetBytes),
        [0xC0], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0x80],
    ];

    private static readonly Gen<Mutation> Step =
        from kind in Gen.Frequency(
            (3, Gen.Constant(MutationKind.FlipBit)), (3, Gen.Constant(MutationKind.SetByte)), (4, Gen.Constant(MutationKind.InsertToken)),
            (3, Gen.Constant(MutationKind.Delete)), (2, Gen.Constant(MutationKind.Duplicate)), (1, Gen.Constant(MutationKind.Splice)),
            (1, Gen.Constant(MutationKind.Truncate)), (3, Gen.Constant(MutationKind.OverwriteToken)))
        from at in Gen.Choose(0, 65535)
        from length in Gen.Frequency((6, Gen.Choose(1, 8)), (3, Gen.Choose(9, 256)), (1, Gen.Choose(257, 65536)))
        from value in Gen.Choose(0, int.MaxValue)
        select new Mutation(kind, at, length, value);

    /// <summary>A plan: which seed, which donor (for splices), and the edits.</summary>
    public static Gen<(int Seed, int Donor, Mutation[] Steps)> Plan(int seeds) =>
        from seed in Gen.Choose(0, seeds - 1)
        from donor in Gen.Choose(0, seeds - 1)
        from count in Gen.Frequency((5, Gen.Choose(1, 2)), (3, Gen.Choose(3, 5)), (1, Gen.Choose(6, 8)))
        from steps in Gen.ArrayOf(Step, count)
        select (seed, donor, steps);

    public static byte[] Apply(byte[] input, Mutation[] steps, byte[] donor)
    {
        var b = new List<byte>(input);
        foreach (var s in steps)
        {
            var at = b.Count == 0 ? 0 : (int)((long)s.At * b.Count / 65536);
            switch (s.Kind)
            {
                case MutationKind.FlipBit when b.Count > 0:
                    b[at] ^= (byte)(1 << (s.Value & 7));
                    break;
                case MutationKind.SetByte when b.Count > 0:
                    b[at] = (byte)s.Value;
                    break;
                case MutationKind.InsertToken:
                    b.InsertRange(at, Tokens[s.Value % Tokens.Length]);
                    break;
                case MutationKind.OverwriteToken:
                    var t = Tokens[s.Value % Tokens.Length];
                    b.RemoveRange(at, Math.Min(t.Length, b.Count - at));
                    b.InsertRange(at, t);
                    break;
                case MutationKind.Delete:
                    b.RemoveRange(at, Math.Min(s.Length, b.Count - at));
                    break;
                case MutationKind.Duplicate:
                    var len = Math.Min(s.Length, b.Count - at);
                    b.InsertRange(at, b.GetRange(at, len));
                    break;
                case MutationKind.Splice when donor.Length > 0:
                    var from = s.Value % donor.Length;
                    b.InsertRange(at, donor.AsSpan(from, Math.Min(s.Length, donor.Length - from)).ToArray());
                    break;
                case MutationKind.Truncate:
                    b.RemoveRange(at, b.Count - at);
                    break;
            }
            if (b.Count > 4 << 20)
            {
                b.RemoveRange(4 << 20, b.Count - (4 << 20));
            }
        }
        return [.. b];
    }
}
