using System.Text;
using N3ttrace.Trail;

namespace N3ttrace.Fuzz.Tests.Seeds;

/// <summary>
/// A whole state directory as one fuzz input: each file after a line "==&gt; NAME &lt;==" (as `head` prints several files).
/// Mutations may cut or merge the markers too; only the names below are ever written, into a private directory.
/// </summary>
public static class StateFiles
{
    public const string KeyName = "verify_key";

    public static readonly string[] Names =
    [
        StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile, CheckpointColumns.FileName,
        ProcessCertificateColumns.FileName, ReasonColumns.FileName, KeyName,
    ];

    public static byte[] Pack(string stateDir, string? verifyKey)
    {
        var ms = new MemoryStream();
        foreach (var name in Names)
        {
            var bytes = name == KeyName ? (verifyKey is null ? null : Encoding.ASCII.GetBytes(verifyKey + "\n"))
                : File.Exists(Path.Combine(stateDir, name)) ? File.ReadAllBytes(Path.Combine(stateDir, name)) : null;
            if (bytes is not null)
            {
                ms.Write(Encoding.ASCII.GetBytes($"==> {name} <==\n"));
                ms.Write(bytes);
            }
        }
        return ms.ToArray();
    }

    public static Dictionary<string, byte[]> Unpack(byte[] input)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string? current = null;
        var start = 0;
        var i = 0;
        while (i < input.Length)
        {
            var newline = Array.IndexOf(input, (byte)'\n', i);
            var end = newline < 0 ? input.Length : newline;
            if (Marker(input.AsSpan(i, end - i)) is { } name)
            {
                if (current is not null)
                {
                    files[current] = input[start..i];
                }
                current = name;
                start = Math.Min(end + 1, input.Length);
            }
            i = newline < 0 ? input.Length : newline + 1;
        }
        if (current is not null)
        {
            files[current] = input[start..];
        }
        return files;
    }

    private static string? Marker(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("==> "u8) || !line.EndsWith(" <=="u8))
        {
            return null;
        }
        var name = Encoding.ASCII.GetString(line[4..^4]);
        return Names.Contains(name) ? name : null;
    }

    /// <summary>Writes the files as a state directory holds them: directory 0700, files 0600.</summary>
    public static StateDirectory Write(Dictionary<string, byte[]> files, string root)
    {
        var dir = StateDirectory.Open(Path.Combine(root, "state"), create: true);
        foreach (var (name, bytes) in files)
        {
            if (name != KeyName)
            {
                File.WriteAllBytes(dir.FilePath(name), bytes);
                File.SetUnixFileMode(dir.FilePath(name), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        return dir;
    }
}
