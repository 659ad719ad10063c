using System.Security.Cryptography;
using System.Text;
using N3ttrace.Text;
using N3ttrace.Time;

namespace N3ttrace.Trail;

/// <summary>
/// Writes each distinct value (a process certificate, a reasons text) once to its chained file and hands out
/// its id: the first 16 hex digits of SHA-256 over the escaped fields, so the same value keeps its id across
/// restarts without reading the file back. Ids already written are remembered up to a bound; past it the
/// memory is cleared and a value may be written again (readers keep the first row of an id).
/// </summary>
public sealed class InternedRows(RecordWriter writer)
{
    public const int IdLength = 16;
    /// <summary>Distinct values remembered before the memory is cleared (a host rarely has this many execs in a run).</summary>
    private const int Remembered = 1 << 16;

    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);
    /// <summary>The last values and id seen per source object (a process's context, shared by its connections):
    /// a storm from one process compares a few strings instead of escaping, joining and hashing them.</summary>
    private readonly Dictionary<object, (string[] Fields, string Id)> _recent = new(ReferenceEqualityComparer.Instance);
    private long _lostRowsSeen;

    public RecordWriter Writer => writer;

    /// <summary>Rows written by this run (distinct values, or values written again after the memory was cleared).</summary>
    public long Written { get; private set; }

    /// <summary>The id of <paramref name="fields"/> (raw values, without ts and id), writing the row the first time.</summary>
    /// <param name="source">The object the values come from, if any: the same object with the same values skips the hashing.</param>
    public string Intern(string[] fields, DateTime utc, object? source = null)
    {
        if (writer.LostRows != _lostRowsSeen)
        {
            // A failed write may have taken rows with it: write each value again when next used.
            _lostRowsSeen = writer.LostRows;
            _ids.Clear();
            _recent.Clear();
        }
        if (source is not null && _recent.TryGetValue(source, out var recent) && recent.Fields.AsSpan().SequenceEqual(fields))
        {
            return recent.Id;
        }
        var id = Lookup(fields, utc);
        if (source is not null)
        {
            if (_recent.Count >= Remembered)
            {
                _recent.Clear();
            }
            _recent[source] = (fields, id);
        }
        return id;
    }

    private string Lookup(string[] fields, DateTime utc)
    {
        var key = string.Join('\t', fields.Select(TextEscaper.Escape));
        if (_ids.TryGetValue(key, out var id))
        {
            return id;
        }
        id = IdOf(key);
        if (_ids.Count >= Remembered)
        {
            _ids.Clear();
        }
        _ids[key] = id;
        writer.Append([Timestamp.ToRecord(utc), id, .. fields]);
        // Written now (new values are rare): a row that uses it is handed to its writer only after, so a
        // killed tracer never leaves a row whose certificate is not in the file.
        writer.Flush();
        Written++;
        return id;
    }

    /// <summary>The id of an escaped, tab-joined value (the recipe is in docs/trail.md).</summary>
    public static string IdOf(string escapedJoined)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(escapedJoined), digest);
        return Convert.ToHexStringLower(digest[..(IdLength / 2)]);
    }
}
