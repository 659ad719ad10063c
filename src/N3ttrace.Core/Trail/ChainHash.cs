using System.Security.Cryptography;
using System.Text;

namespace N3ttrace.Trail;

/// <summary>The hash of one chained row: SHA-256("n3ttrace-chain-v1\n" + file tag + "\n" + row prefix), lower-case hex.</summary>
public static class ChainHash
{
    public const int HexLength = 64;
    public static readonly string Genesis = new('0', HexLength);

    public static byte[] Prefix(string fileTag) => Encoding.UTF8.GetBytes($"n3ttrace-chain-v1\n{fileTag}\n");

    /// <summary>Hashes prefix||body into 64 lower-case hex bytes.</summary>
    public static void Compute(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body, Span<byte> hexOut)
    {
        var n = prefix.Length + body.Length;
        var rented = n <= 4096 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(n);
        var buf = rented is null ? stackalloc byte[4096] : rented;
        prefix.CopyTo(buf);
        body.CopyTo(buf[prefix.Length..]);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(buf[..n], digest);
        ToHex(digest, hexOut);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static void ToHex(ReadOnlySpan<byte> bytes, Span<byte> hexOut)
    {
        const string digits = "0123456789abcdef";
        for (var i = 0; i < bytes.Length; i++)
        {
            hexOut[2 * i] = (byte)digits[bytes[i] >> 4];
            hexOut[2 * i + 1] = (byte)digits[bytes[i] & 0xF];
        }
    }
}
