using System.Security.Cryptography;
using System.Text;
using N3ttrace.Time;

namespace N3ttrace.Trail;

/// <summary>
/// What a crash can leave at the end of a trail file: an incomplete last line. It is moved to
/// NAME.torn (appended, with a header line saying when and its SHA-256) and the file is cut back
/// to its last complete line, so the chain continues from the last whole record.
/// </summary>
public sealed record TornTail(int Bytes, string Sha256, string KeptIn)
{
    public static TornTail? Recover(StateDirectory dir, string name, FileStream file)
    {
        var length = file.Length;
        if (length == 0)
        {
            return null;
        }
        var lastNewline = LastNewline(file, length);
        if (lastNewline == length - 1)
        {
            return null;
        }
        var tornLength = (int)(length - lastNewline - 1);
        var torn = new byte[tornLength];
        RandomAccess.Read(file.SafeFileHandle, torn, lastNewline + 1);
        var sha = Convert.ToHexStringLower(SHA256.HashData(torn));
        var keptIn = name + ".torn";
        using (var aside = dir.OpenAppend(keptIn, 0))
        {
            aside.Write(Encoding.UTF8.GetBytes($"# torn tail of {name} found {Timestamp.ToRecord(DateTime.UtcNow)}: {tornLength} bytes, sha256 {sha}\n"));
            aside.Write(torn);
            aside.Write("\n"u8);
            aside.Flush(flushToDisk: true);
        }
        file.SetLength(lastNewline + 1);
        file.Flush(flushToDisk: true);
        return new TornTail(tornLength, sha, keptIn);
    }

    /// <summary>Offset of the last '\n', or -1.</summary>
    internal static long LastNewline(FileStream file, long length)
    {
        var buf = new byte[64 * 1024];
        var end = length;
        while (end > 0)
        {
            var start = Math.Max(0, end - buf.Length);
            var n = (int)(end - start);
            RandomAccess.Read(file.SafeFileHandle, buf.AsSpan(0, n), start);
            var i = buf.AsSpan(0, n).LastIndexOf((byte)'\n');
            if (i >= 0)
            {
                return start + i;
            }
            end = start;
        }
        return -1;
    }
}
