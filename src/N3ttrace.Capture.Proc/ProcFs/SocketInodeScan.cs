namespace N3ttrace.Capture.Proc.ProcFs;

/// <summary>
/// The inodes of every non-listening socket in /proc/net/tcp{,6}, parsed from bytes into a set the
/// caller reuses: watching a few pre-existing connections must not cost a string per field of
/// every socket on the host each second (thousands of rows on a busy host).
/// </summary>
public sealed class SocketInodeScan(string procRoot = "/proc")
{
    private byte[] _buffer = new byte[1 << 16];

    /// <summary>Clears <paramref name="into"/> and fills it with the inodes of sockets that are not listening.</summary>
    public void Collect(HashSet<ulong> into)
    {
        into.Clear();
        Scan($"{procRoot}/net/tcp", into);
        Scan($"{procRoot}/net/tcp6", into);
    }

    private void Scan(string path, HashSet<ulong> into)
    {
        int length;
        try
        {
            length = ReadAll(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        var text = new ReadOnlySpan<byte>(_buffer, 0, length);
        var first = true;
        while (!text.IsEmpty)
        {
            var nl = text.IndexOf((byte)'\n');
            var line = nl < 0 ? text : text[..nl];
            text = nl < 0 ? default : text[(nl + 1)..];
            if (first)
            {
                first = false; // header
                continue;
            }
            if (TryParse(line, out var state, out var inode) && state != ProcNetTcp.Listen)
            {
                into.Add(inode);
            }
        }
    }

    /// <summary>Field 3 (st, hex) and field 9 (inode, decimal) of one row.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> line, out int state, out ulong inode)
    {
        state = 0;
        inode = 0;
        var field = 0;
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] == (byte)' ')
            {
                i++;
            }
            var start = i;
            while (i < line.Length && line[i] != (byte)' ')
            {
                i++;
            }
            if (start == i)
            {
                break;
            }
            var token = line[start..i];
            if (field == 3 && !System.Buffers.Text.Utf8Parser.TryParse(token, out state, out _, 'x'))
            {
                return false;
            }
            if (field == 9)
            {
                return System.Buffers.Text.Utf8Parser.TryParse(token, out inode, out var used) && used == token.Length;
            }
            field++;
        }
        return false;
    }

    private int ReadAll(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0);
        var total = 0;
        while (true)
        {
            if (total == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            var n = f.Read(_buffer, total, _buffer.Length - total);
            if (n == 0)
            {
                return total;
            }
            total += n;
        }
    }
}
