using N3ttrace.Inference;
using N3ttrace.Text;
using N3ttrace.Time;

namespace N3ttrace.Trail;

/// <summary>
/// The (executable, destination) pairs this host has made before, kept in baseline.tsv in the
/// state directory so the baseline survives restarts. Destinations are keyed hashes, never addresses.
/// Bounded: past maxPairs the baseline stops learning (counted in Full) rather than grow without end.
/// </summary>
public sealed class HostBaseline : IHostBaseline
{
    public const string FileName = "baseline.tsv";
    public static readonly IReadOnlyList<string> Columns = ["first_seen", "exe", "remote_hash"];

    private readonly HashSet<string> _pairs = new(StringComparer.Ordinal);
    private readonly RecordWriter? _writer;
    private readonly int _max;

    public int Count => _pairs.Count;
    public long Full { get; private set; }
    public long Loaded { get; }

    /// <summary>In memory only (tests, or no state directory).</summary>
    public HostBaseline(int maxPairs) => _max = maxPairs;

    public HostBaseline(StateDirectory dir, int maxPairs)
    {
        _max = maxPairs;
        if (dir.FileExists(FileName))
        {
            using var stream = dir.OpenRead(FileName);
            var reader = new TrailReader();
            // The file is chained like the rest of the trail (RecordWriter): data columns, then ChainColumns.
            foreach (var row in reader.Read(stream))
            {
                if (!IsKnownHeader(reader.HeaderLine))
                {
                    break;
                }
                if (TrailSchema.IsDataRow(row))
                {
                    _pairs.Add(Key(row["exe"], row["remote_hash"]));
                }
            }
            if (reader.HeaderLine.Length > 0 && !IsKnownHeader(reader.HeaderLine))
            {
                throw new StateDirectoryException($"{dir.FilePath(FileName)} has a different header than this version writes; move it aside");
            }
            Loaded = _pairs.Count;
        }
        _writer = new RecordWriter(dir, TrailSchema.Baseline);
    }

    /// <summary>This format's header, or format 1's (which is appended to in its own format).</summary>
    private static bool IsKnownHeader(string header) =>
        header == TrailSchema.Baseline.HeaderLine || header == TrailSchema.Baseline.LegacyHeaderLine;

    /// <summary>True the first time exe reaches remoteHash on this host; the pair is remembered from then on.</summary>
    public bool Learn(string exe, string remoteHash, DateTime nowUtc)
    {
        var escaped = TextEscaper.Escape(exe);
        if (_pairs.Contains(Key(escaped, remoteHash)))
        {
            return false;
        }
        if (_pairs.Count >= _max)
        {
            Full++;
            return true;
        }
        _pairs.Add(Key(escaped, remoteHash));
        _writer?.Append([Timestamp.ToRecord(nowUtc), exe, remoteHash]);
        return true;
    }

    public void Flush() => _writer?.Flush();

    private static string Key(string escapedExe, string hash) => string.Concat(escapedExe, "\t", hash);

    public void Dispose() => _writer?.Dispose();
}
