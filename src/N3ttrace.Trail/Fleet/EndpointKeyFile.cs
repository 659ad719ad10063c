namespace N3ttrace.Trail.Fleet;

/// <summary>
/// `--endpoint-key FILE`: one HMAC key for remote_hash on every host of a fleet, so the same address hashes the same
/// everywhere. 32 bytes, a regular file owned by this user, not readable by group or others, never through a symlink.
/// Trade-off (docs/fleet.md): whoever holds it can brute-force every host's endpoints, not one host's.
/// </summary>
public static class EndpointKeyFile
{
    public const int Length = 32;

    public static byte[] Read(string path)
    {
        using var s = TrailStream.OpenFile(path); // no symlink, regular file, owned by this user
        if ((File.GetUnixFileMode(s.SafeFileHandle) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new StateDirectoryException($"{path} is readable or writable by group or others; chmod 600 it");
        }
        var key = new byte[Length + 1];
        var n = s.ReadAtLeast(key, key.Length, throwOnEndOfStream: false);
        if (n != Length)
        {
            throw new StateDirectoryException($"{path} must hold exactly {Length} bytes (head -c 32 /dev/urandom > FILE), not {(n > Length ? "more" : n.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        }
        return key[..Length];
    }
}
