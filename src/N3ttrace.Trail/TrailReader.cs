using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using N3ttrace.Interop;

namespace N3ttrace.Trail;

/// <summary>
/// The one reader of trail TSV files by column name (export, query, explain, the host baseline).
/// Only complete lines are read: the file is taken as it was when opened, up to its last newline,
/// so a row that `run` is still appending (or that a crash tore) is not half-read. Rows whose field
/// count differs from the header's are skipped and counted in <see cref="Malformed"/>.
/// What a data row is: <see cref="TrailSchema.IsDataRow(TrailRow)"/>.
/// Rows of format-2 birth records and timelines are joined back to complete rows (<see cref="RowJoin"/>):
/// every consumer sees one complete birth certificate per socket, with the columns of format 1.
/// </summary>
/// <param name="dictionary">The trail's certificates and reasons; by default read beside the file being read.</param>
public sealed class TrailReader(TrailDictionary? dictionary = null)
{
    public string HeaderLine { get; private set; } = "";
    public IReadOnlyDictionary<string, int> Header { get; private set; } = new Dictionary<string, int>();
    /// <summary>Rows whose field count differs from the header's (skipped and counted).</summary>
    public long Malformed { get; private set; }
    public long Rows { get; private set; }

    /// <summary>
    /// Opens a trail file for reading while the writer may still append to it. Every reader of a trail goes
    /// through here (contract 7): a symlink is never followed (O_NOFOLLOW), and a file that is not a regular
    /// file owned by this user is refused, checked on the opened descriptor so it cannot be swapped in between.
    /// A file cut into segments is read as one: its sealed segments, then the live file (<see cref="TrailStream"/>).
    /// </summary>
    public static TrailStream OpenShared(string path, int bufferSize = 1 << 16) => TrailStream.Open(path);

    /// <summary>The path a trail stream was opened from (the dictionaries and the birth records are beside it).</summary>
    internal static string? PathOf(Stream stream) => stream switch
    {
        TrailStream t => t.Name,
        FileStream f => f.Name,
        _ => null,
    };

    /// <summary>Streams the rows of <paramref name="stream"/>; <paramref name="onBytes"/> gets the bytes read so far.</summary>
    public IEnumerable<TrailRow> Read(Stream stream, Action<long>? onBytes = null)
    {
        var complete = CompleteLength(stream);
        using var bounded = new BoundedReadStream(stream, complete, onBytes);
        using var reader = new StreamReader(bounded, new UTF8Encoding(false), false, 1 << 16);
        var header = reader.ReadLine();
        if (header is null)
        {
            yield break;
        }
        HeaderLine = header;
        var map = TsvRow.Header(header);
        Header = map;
        var dict = RowJoin.Needed(map) ? dictionary ?? DictionaryBeside(stream) : TrailDictionary.Empty;
        var join = RowJoin.Needed(map) ? RowJoin.For(map, dict) : null;
        if (join is not null)
        {
            HeaderLine = join.HeaderLine;
            Header = join.Header;
        }
        // Format 3: the timeline gets its birth and fail rows back from the birth records beside it.
        using var births = TimelineMerge.Applies(map) ? BirthsBeside(stream) : null;
        var merge = TimelineMerge.Applies(map) ? new TimelineMerge(map, births?.Header, births?.Rows() ?? [], dict) : null;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var fields = TsvRow.Split(line);
            if (fields.Length != map.Count)
            {
                Malformed++;
                continue;
            }
            Rows++;
            if (merge is null)
            {
                yield return Row(map, join, fields, line);
                continue;
            }
            foreach (var f in merge.Before(fields))
            {
                yield return Row(map, join, f, null);
            }
        }
        if (merge is not null)
        {
            foreach (var f in merge.Rest())
            {
                yield return Row(map, join, f, null);
            }
        }
    }

    private TrailRow Row(IReadOnlyDictionary<string, int> map, RowJoin? join, string[] fields, string? line)
    {
        if (join is null)
        {
            return new TrailRow(map, fields, line);
        }
        var joined = join.Fields(fields);
        Unresolved = join.Unresolved;
        return new TrailRow(join.Header, joined, null);
    }

    private static StoredRows? BirthsBeside(Stream stream) =>
        PathOf(stream) is { } name && Path.IsPathRooted(name) && Path.Combine(Path.GetDirectoryName(name)!, StateDirectory.BirthRecordsFile) is var p && TrailExists(p)
            ? new StoredRows(stream is TrailStream t ? TrailStream.Open(p, t.From, t.Until, t.Keyframe) : OpenShared(p))
            : null;

    /// <summary>Whether the logical trail file <paramref name="path"/> exists: the live file or any of its segments.</summary>
    public static bool TrailExists(string path) =>
        File.Exists(path) || Segments.TrailSegments.List(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileName(path)).Count > 0;

    /// <summary>Format-2 rows whose process certificate or reasons text is not in the trail (those fields are empty).</summary>
    public long Unresolved { get; private set; }

    private static TrailDictionary DictionaryBeside(Stream stream) =>
        PathOf(stream) is { } name && Path.IsPathRooted(name) ? TrailDictionary.Load(Path.GetDirectoryName(name)!) : TrailDictionary.Empty;

    /// <summary>The data rows only (chain events skipped).</summary>
    public IEnumerable<TrailRow> ReadData(Stream stream) => Read(stream).Where(TrailSchema.IsDataRow);

    /// <summary>Length up to and including the last newline, measured now.</summary>
    private static long CompleteLength(Stream s)
    {
        var length = s.Length;
        var buf = new byte[4096];
        var end = length;
        while (end > 0)
        {
            var n = (int)Math.Min(buf.Length, end);
            s.Position = end - n;
            s.ReadExactly(buf, 0, n);
            var i = Array.LastIndexOf(buf, (byte)'\n', n - 1);
            if (i >= 0)
            {
                s.Position = 0;
                return end - n + i + 1;
            }
            end -= n;
        }
        s.Position = 0;
        return 0;
    }
}
