using System.Buffers.Binary;

namespace N3ttrace.Lineage;

/// <summary>
/// A lowercase hex digest (process_id, ancestry_id, env_sha256) kept as its bytes: 16 or 32 bytes
/// instead of a 64- or 128-byte string per process, which is most of what 100,000 processes cost.
/// Any other text (empty, a marker such as "unknown") is kept as given.
/// </summary>
internal readonly struct PackedHex
{
    private readonly ulong _a, _b, _c, _d;
    private readonly byte _bytes; // 16 or 32 when packed, 0 when _text holds the value
    private readonly string? _text;

    private PackedHex(ulong a, ulong b, ulong c, ulong d, byte bytes)
    {
        (_a, _b, _c, _d, _bytes) = (a, b, c, d, bytes);
        _text = null;
    }

    private PackedHex(string text)
    {
        (_a, _b, _c, _d, _bytes) = (0, 0, 0, 0, 0);
        _text = text;
    }

    public static PackedHex From(string s)
    {
        if ((s.Length == 32 || s.Length == 64) && IsLowerHex(s))
        {
            Span<byte> b = stackalloc byte[32];
            Convert.FromHexString(s, b[..(s.Length / 2)], out _, out _);
            return new PackedHex(BinaryPrimitives.ReadUInt64BigEndian(b), BinaryPrimitives.ReadUInt64BigEndian(b[8..]),
                BinaryPrimitives.ReadUInt64BigEndian(b[16..]), BinaryPrimitives.ReadUInt64BigEndian(b[24..]), (byte)(s.Length / 2));
        }
        return new PackedHex(s);
    }

    public override string ToString()
    {
        if (_bytes == 0)
        {
            return _text ?? "";
        }
        Span<byte> b = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(b, _a);
        BinaryPrimitives.WriteUInt64BigEndian(b[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(b[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(b[24..], _d);
        return Convert.ToHexStringLower(b[.._bytes]);
    }

    private static bool IsLowerHex(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c) && c is < 'a' or > 'f')
            {
                return false;
            }
        }
        return true;
    }
}
