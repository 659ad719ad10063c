using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;
using N3ttrace.Interop;

namespace N3ttrace.Trail;

/// <summary>
/// The host's current epoch key (seal.key, 0600), journald-style forward-secure sealing: each
/// epoch's checkpoints are MACed with that epoch's key; at the epoch's end the key takes a one-way
/// step and the file is overwritten in place (same length, fsync), so the old key is gone. Someone
/// who reads the file later holds only the current key: they cannot forge a seal of an earlier epoch.
/// The file also holds T0 and the epoch length, which are not secret.
/// </summary>
public sealed class SealingKey
{
    public const string FileName = "seal.key";
    public static readonly TimeSpan DefaultEpoch = TimeSpan.FromMinutes(15);

    private readonly string _path;
    private byte[] _key;

    public long T0Unix { get; }
    public long EpochSeconds { get; }
    public long Epoch { get; private set; }

    private SealingKey(string path, long t0, long epochSeconds, long epoch, byte[] key)
    {
        _path = path;
        T0Unix = t0;
        EpochSeconds = epochSeconds;
        Epoch = epoch;
        _key = key;
    }

    /// <summary>Opens seal.key, or creates it and returns the verification key to show once (never stored).</summary>
    public static SealingKey OpenOrCreate(StateDirectory dir, TimeSpan epochLength, DateTime nowUtc, out VerifyKey? created)
    {
        created = null;
        var path = dir.FilePath(FileName);
        if (dir.FileExists(FileName))
        {
            using var fs = dir.OpenRead(FileName);
            CheckMode(path);
            var text = new StreamReader(fs).ReadToEnd();
            var p = text.TrimEnd('\n').Split(' ');
            if (p.Length != 5 || p[0] != "n3ttrace-seal-v1"
                || !long.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out var t0)
                || !long.TryParse(p[2], NumberStyles.None, CultureInfo.InvariantCulture, out var len)
                || !long.TryParse(p[3], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
                || p[4].Length != 64 || len <= 0)
            {
                throw new StateDirectoryException($"{path} is not a sealing key file; move it aside (a new verification key will be made)");
            }
            return new SealingKey(path, t0, len, epoch, Convert.FromHexString(p[4]));
        }
        var seed = RandomNumberGenerator.GetBytes(32);
        var seconds = Math.Max(1, (long)epochLength.TotalSeconds);
        var start = (long)Math.Floor((nowUtc - DateTime.UnixEpoch).TotalSeconds);
        created = new VerifyKey(seed, start, seconds);
        // The host starts from one step past the seed: it never holds the verification key itself.
        var k = new SealingKey(path, start, seconds, 0, VerifyKey.Evolve(seed));
        var fd = LibC.Open(path, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0x180);
        if (fd.IsInvalid)
        {
            fd.Dispose();
            throw new StateDirectoryException($"cannot create {path}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        using (var h = fd)
        {
            k.WriteTo(h);
        }
        return k;
    }

    public DateTime EpochStart(long epoch) => DateTime.UnixEpoch.AddSeconds(T0Unix + epoch * EpochSeconds);

    public long EpochOf(DateTime utc) => Math.Max(0, (long)Math.Floor(((utc - DateTime.UnixEpoch).TotalSeconds - T0Unix) / EpochSeconds));

    public string Mac(string chainHash) => VerifyKey.Mac(_key, Epoch, chainHash);

    /// <summary>Steps the key forward to the epoch of nowUtc and overwrites the file; the old key is erased.</summary>
    public void EvolveTo(long epoch)
    {
        if (epoch <= Epoch)
        {
            return;
        }
        var key = _key;
        for (var e = Epoch; e < epoch; e++)
        {
            var next = VerifyKey.Evolve(key);
            CryptographicOperations.ZeroMemory(key);
            key = next;
        }
        _key = key;
        Epoch = epoch;
        var fd = LibC.Open(_path, LibC.O_WRONLY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
        if (fd.IsInvalid)
        {
            fd.Dispose();
            throw new StateDirectoryException($"cannot rewrite {_path}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        using var h = fd;
        WriteTo(h);
    }

    /// <summary>Fixed-width text written at offset 0: the new key overwrites the old bytes in place.</summary>
    private void WriteTo(SafeFileHandle h)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"n3ttrace-seal-v1 {T0Unix:D12} {EpochSeconds:D10} {Epoch:D12} {Convert.ToHexStringLower(_key)}\n");
        RandomAccess.Write(h, Encoding.ASCII.GetBytes(line), 0);
        if (LibC.FSync(h) != 0)
        {
            throw new IOException($"fsync {_path}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    private static void CheckMode(string path)
    {
        if (LibC.StatX(LibC.AT_FDCWD, path, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, out var st) == 0 && (st.Mode & 0x3F) != 0)
        {
            throw new StateDirectoryException($"{path} is readable by group or others; refusing to use it");
        }
    }
}
