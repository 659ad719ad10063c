using System.Security.Cryptography;
using System.Text;

namespace N3ttrace.Trail;

/// <summary>
/// The hash of one chained row: SHA-256("n3ttrace-chain-v1\n" + file tag + "\n" + row prefix), lower-case hex.
/// One instance per file, its digest context reused for every row: a one-shot hash sets up and
/// frees an OpenSSL context each time, which costs more than hashing a row.
/// </summary>
public sealed class ChainHash(string fileTag) : IDisposable
{
    public const int HexLength = 64;
    public static readonly string Genesis = new('0', HexLength);

    private readonly byte[] _prefix = Encoding.UTF8.GetBytes($"n3ttrace-chain-v1\n{fileTag}\n");
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Hashes prefix||body into 64 lower-case hex bytes.</summary>
    public void Compute(ReadOnlySpan<byte> body, Span<byte> hexOut)
    {
        Span<byte> digest = stackalloc byte[32];
        _sha.AppendData(_prefix);
        _sha.AppendData(body);
        _sha.GetHashAndReset(digest);
        ToHex(digest, hexOut);
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

    public void Dispose() => _sha.Dispose();
}
