namespace N3ttrace.Trail;

/// <summary>
/// Format 3 writes no timeline row for a birth or a failed connect (the birth record holds the same facts) and
/// death rows hold only what the birth record does not (ts, duration, byte counts). This puts the timeline back
/// together as format 2 stored it, for every reader (TrailReader, TimeMachine): each birth record becomes a birth
/// (or fail) row, placed among the timeline rows by its time; a `start` or `keyframe-begin` mark, written to both
/// files at the same instant, is where the two line up exactly (births written before it come before it), so a
/// keyframe still holds what was alive. Death rows get their other columns from the connection's birth,
/// keyframe or last level row; memory is bounded by the connections alive.
/// Rows are in the timeline's stored layout (reasons by reasons_id).
/// </summary>
public sealed class TimelineMerge
{
    /// <summary>Live connections remembered for filling death rows, before the memory is cleared (counted).</summary>
    private const int LiveLimit = 1 << 22;

    private readonly IReadOnlyDictionary<string, int> _t;
    private readonly int _tCount;
    private readonly IEnumerator<string[]> _births;
    private readonly IReadOnlyDictionary<string, int> _b;
    private readonly Queue<string[]> _pushed = new();
    private readonly Dictionary<string, string[]> _live = new(StringComparer.Ordinal);
    private readonly int[] _derived;
    private readonly int _ancestry = ProcessCertificateColumns.Joined.ToList().IndexOf("ancestry_id");
    private string[]? _next;
    private bool _done;

    /// <summary>Death rows whose birth was not found (those columns stay empty), and live-set overflows.</summary>
    public long Unresolved { get; private set; }

    /// <param name="timelineHeader">The stored timeline header (format 3).</param>
    /// <param name="birthsHeader">The stored birth records header (format 3), or null when there are none.</param>
    /// <param name="births">The birth records' stored rows from where the timeline is read (split, escaped), in file order.</param>
    public TimelineMerge(IReadOnlyDictionary<string, int> timelineHeader, IReadOnlyDictionary<string, int>? birthsHeader, IEnumerable<string[]> births, TrailDictionary dictionary)
    {
        // A damaged header is the trail's damage, reported in one line like any other (fuzzing found these).
        Require(StateDirectory.TimelineFile, timelineHeader, TimelineColumns.Derived.Where(c => c != TimelineColumns.Direction)
            .Concat([ChainColumns.EventColumn, "event", "conn_id", "duration_s", TimelineColumns.BytesSent, TimelineColumns.BytesReceived]));
        if (birthsHeader is not null)
        {
            Require(StateDirectory.BirthRecordsFile, birthsHeader, [ChainColumns.EventColumn]);
        }
        _t = timelineHeader;
        _tCount = timelineHeader.Count;
        _b = birthsHeader ?? new Dictionary<string, int>();
        _births = (birthsHeader is null ? [] : births).GetEnumerator();
        Dictionary = dictionary;
        _derived = TimelineColumns.Derived.Where(_t.ContainsKey).Select(c => _t[c]).ToArray();
    }

    private static void Require(string file, IReadOnlyDictionary<string, int> header, IEnumerable<string> columns)
    {
        foreach (var c in columns)
        {
            if (!header.ContainsKey(c))
            {
                throw new InvalidDataException($"{file}: header lacks column '{c}'");
            }
        }
    }

    /// <summary>The certificates (for ancestry_id); a follower sets it again as processes.tsv grows.</summary>
    public TrailDictionary Dictionary { get; set; }

    /// <summary>A birth record row read by a follower (`tail`): merged after the rows of the source given at construction.</summary>
    public void Push(string[] birth)
    {
        if (birth.Length == _b.Count)
        {
            _pushed.Enqueue(birth);
        }
    }

    /// <summary>The stored timeline's column count.</summary>
    public int Columns => _tCount;

    /// <summary>Whether a timeline with this header is a stored one of format 3 (needs merging); an extract of the
    /// merged view (an export's snapshots.tsv: reasons as text) is not.</summary>
    public static bool Applies(IReadOnlyDictionary<string, int> stored) =>
        stored.ContainsKey(ChainColumns.Head) && stored.ContainsKey("event") && stored.ContainsKey("conn_id") && stored.ContainsKey(ReasonColumns.Id);

    /// <summary>The rows to emit for one stored timeline row (the births that come before it, then it).</summary>
    public IEnumerable<string[]> Before(string[] row)
    {
        var ts = row[0];
        var chain = row[_t[ChainColumns.EventColumn]];
        var barrier = chain == ChainColumns.Start ? ChainColumns.Start
            : chain.Length == 0 && row[_t["event"]] == TimelineColumns.KeyframeBegin ? TimelineColumns.KeyframeBegin : null;
        while (Peek() is { } n)
        {
            var mark = n[_b[ChainColumns.EventColumn]];
            if (mark.Length > 0)
            {
                var kind = mark == ChainColumns.Start || mark == TimelineColumns.KeyframeBegin ? mark : null;
                if (kind is null || (barrier is not null && (kind == barrier && n[0] == ts || string.CompareOrdinal(n[0], ts) < 0)))
                {
                    _next = null; // other chain events, a matched mark, or a stale one
                    if (kind is not null && kind == barrier && n[0] == ts)
                    {
                        break;
                    }
                    continue;
                }
                break; // a mark the timeline has not reached yet
            }
            if (barrier is null && string.CompareOrdinal(n[0], ts) > 0)
            {
                break;
            }
            _next = null;
            yield return FromBirth(n);
        }
        yield return Fill(row);
    }

    /// <summary>The births after the timeline's last row.</summary>
    public IEnumerable<string[]> Rest()
    {
        while (Peek() is { } n)
        {
            _next = null;
            if (n[_b[ChainColumns.EventColumn]].Length == 0)
            {
                yield return FromBirth(n);
            }
        }
    }

    private string[]? Peek()
    {
        if (_next is null && !_done)
        {
            if (_births.MoveNext())
            {
                _next = _births.Current;
            }
            else
            {
                _done = true;
            }
        }
        if (_next is null && _pushed.Count > 0)
        {
            _next = _pushed.Dequeue();
        }
        return _next;
    }

    private string B(string[] n, string column) => _b.TryGetValue(column, out var i) && i < n.Length ? n[i] : "";

    /// <summary>The birth (or fail) row format 2 wrote for a birth record.</summary>
    private string[] FromBirth(string[] n)
    {
        var v = new string[_tCount];
        Array.Fill(v, "");
        var failTs = B(n, BirthRecordColumns.FailTs);
        var failed = failTs.Length > 0;
        v[0] = failed ? failTs : n[0];
        v[_t["event"]] = failed ? TimelineColumns.Fail : TimelineColumns.Birth;
        v[_t["conn_id"]] = B(n, "conn_id");
        v[_t["birth_ts"]] = n[0];
        v[_t["duration_s"]] = failed ? B(n, BirthRecordColumns.FailS) : Time.Timestamp.Seconds(0);
        foreach (var c in (ReadOnlySpan<string>)["pid", "comm", "remote_masked", "remote_hash", "rport", "level", "score", "purpose", ReasonColumns.Id, TimelineColumns.Direction])
        {
            if (_t.TryGetValue(c, out var i))
            {
                v[i] = CompactCodes.Decode(c, B(n, c));
            }
        }
        var cert = B(n, BirthRecordColumns.ProcessCert);
        v[_t["ancestry_id"]] = cert.Length > 0 && Dictionary.Certificate(cert) is { } known ? known[_ancestry] : "";
        if (failed)
        {
            v[_t[TimelineColumns.BytesSent]] = "0";
            v[_t[TimelineColumns.BytesReceived]] = "0";
        }
        else
        {
            Remember(v);
        }
        return v;
    }

    private void Remember(string[] v)
    {
        if (_live.Count >= LiveLimit)
        {
            _live.Clear(); // deaths of the connections forgotten here are counted as unresolved
            Unresolved++;
        }
        _live[v[_t["conn_id"]]] = v;
    }

    /// <summary>A death row gets the columns it does not store from the connection's earlier rows.</summary>
    private string[] Fill(string[] row)
    {
        if (row[_t[ChainColumns.EventColumn]].Length > 0)
        {
            return row;
        }
        var evt = row[_t["event"]];
        var id = row[_t["conn_id"]];
        if (evt is TimelineColumns.Keyframe or TimelineColumns.Level)
        {
            Remember(row);
        }
        else if (evt == TimelineColumns.Death)
        {
            if (_live.Remove(id, out var known))
            {
                foreach (var i in _derived)
                {
                    if (row[i].Length == 0)
                    {
                        row[i] = known[i];
                    }
                }
            }
            else if (row[_t["pid"]].Length == 0)
            {
                Unresolved++;
            }
        }
        return row;
    }
}
