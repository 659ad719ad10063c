using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace N3ttrace.Trail;

/// <summary>
/// The verification key: the seed of the epoch key chain (epoch 0's MAC key is one step from it), the instant epoch 0
/// began and the epoch length. Printed once at first start, never stored on the host. From it
/// <see cref="KeyFor"/> derives any epoch's key; from an epoch's key only later ones can be derived.
/// Text form: n3v1-SEEDHEX-T0UNIX-EPOCHSECONDS.
/// </summary>
public sealed record VerifyKey(byte[] Seed, long T0Unix, long EpochSeconds)
{
    private static readonly byte[] EvolveTag = Encoding.ASCII.GetBytes("n3ttrace-evolve-v1\n");
    private static readonly byte[] MacTag = Encoding.ASCII.GetBytes("n3ttrace-seal-v1\n");

    /// <summary>A trail starts before 2200 (as every time n3ttrace reads) and seals at most every 30 days (run's
    /// --seal-interval): a key outside that is mistyped, refused before any date arithmetic can overflow.</summary>
    private const long MaxT0Unix = 7_258_118_400;
    private const long MaxEpochSeconds = 366L * 86400;
    private static readonly long MaxUnixSeconds = (long)(DateTime.MaxValue - DateTime.UnixEpoch).TotalSeconds;

    public override string ToString() =>
        $"n3v1-{Convert.ToHexStringLower(Seed)}-{T0Unix.ToString(CultureInfo.InvariantCulture)}-{EpochSeconds.ToString(CultureInfo.InvariantCulture)}";

    public static bool TryParse(string text, out VerifyKey? key)
    {
        key = null;
        var p = text.Trim().Split('-');
        if (p.Length != 4 || p[0] != "n3v1" || p[1].Length != 64
            || !long.TryParse(p[2], NumberStyles.None, CultureInfo.InvariantCulture, out var t0)
            || !long.TryParse(p[3], NumberStyles.None, CultureInfo.InvariantCulture, out var len) || len <= 0
            || t0 > MaxT0Unix || len > MaxEpochSeconds)
        {
            return false;
        }
        try
        {
            key = new VerifyKey(Convert.FromHexString(p[1]), t0, len);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The one-way step from an epoch's key to the next one's.</summary>
    public static byte[] Evolve(byte[] key)
    {
        var buf = new byte[EvolveTag.Length + key.Length];
        EvolveTag.CopyTo(buf, 0);
        key.CopyTo(buf, EvolveTag.Length);
        return SHA256.HashData(buf);
    }

    /// <summary>MAC of a checkpoint row: HMAC-SHA-256(epoch key, tag + epoch + "\n" + chain hash), hex.</summary>
    public static string Mac(byte[] epochKey, long epoch, string chainHash) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(epochKey, (byte[])[.. MacTag, .. Encoding.ASCII.GetBytes($"{epoch.ToString(CultureInfo.InvariantCulture)}\n{chainHash}")]));

    /// <summary>Start of an epoch; DateTime.MaxValue for an epoch number (read from a damaged trail) past its range.</summary>
    public DateTime EpochStart(long epoch) =>
        epoch < 0 ? DateTime.UnixEpoch
        : epoch > (MaxUnixSeconds - T0Unix) / EpochSeconds ? DateTime.MaxValue
        : DateTime.UnixEpoch.AddSeconds(T0Unix + epoch * EpochSeconds);

    /// <summary>Key of an epoch, derived forward from the seed (cached walk: epochs are asked in rising order).</summary>
    public byte[] KeyFor(long epoch)
    {
        if (_cacheEpoch > epoch || _cacheKey is null)
        {
            _cacheEpoch = 0;
            _cacheKey = Evolve(Seed);
        }
        while (_cacheEpoch < epoch)
        {
            _cacheKey = Evolve(_cacheKey);
            _cacheEpoch++;
        }
        return _cacheKey;
    }

    private long _cacheEpoch;
    private byte[]? _cacheKey;
}
