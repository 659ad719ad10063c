using N3ttrace.Connections;

namespace N3ttrace.Trail;

/// <summary>
/// Turns a stored format-2 row into the row every reader sees: a birth record gets its process certificate's
/// columns (by process_cert), proto and its reasons text (by reasons_id); a timeline row its reasons text.
/// The view's columns are those of <see cref="BirthRecordColumns.Names"/> or <see cref="TimelineColumns.Names"/>,
/// then the chain columns. A row whose certificate or reasons are not in the trail keeps those fields empty
/// and is counted in <see cref="Unresolved"/>.
/// </summary>
public sealed class RowJoin
{
    private enum Source { Stored, Certificate, Reasons, Proto, Coded, Outbound }

    private readonly (Source Kind, int Index)[] _plan;
    private readonly int _certColumn = -1;
    private readonly int _reasonsColumn = -1;
    private readonly TrailDictionary _dictionary;
    private readonly string[] _names;

    public string HeaderLine { get; }
    public IReadOnlyDictionary<string, int> Header { get; }
    public long Unresolved { get; private set; }

    private RowJoin(IReadOnlyDictionary<string, int> stored, IReadOnlyList<string> view, TrailDictionary dictionary)
    {
        _dictionary = dictionary;
        _certColumn = stored.GetValueOrDefault(BirthRecordColumns.ProcessCert, -1);
        _reasonsColumn = stored.GetValueOrDefault(ReasonColumns.Id, -1);
        var chain = stored.Keys.Where(ChainColumns.IsChainColumn).OrderBy(k => stored[k]);
        IReadOnlyList<string> columns = [.. view, .. chain];
        // Format 3 birth records store enumerated columns as codes.
        var coded = _certColumn >= 0 && stored.ContainsKey(BirthRecordColumns.FailTs);
        _names = columns.ToArray();
        _plan = columns.Select(c =>
            stored.TryGetValue(c, out var i) ? (coded && CompactCodes.Columns.Contains(c) ? Source.Coded : Source.Stored, i)
            : c == ReasonColumns.Text && _reasonsColumn >= 0 ? (Source.Reasons, 0)
            : c == BirthRecordColumns.Proto && _certColumn >= 0 ? (Source.Proto, 0)
            : c == BirthRecordColumns.Direction && (_certColumn >= 0 || stored.ContainsKey("conn_id")) ? (Source.Outbound, _certColumn >= 0 ? _certColumn : stored["conn_id"])
            : _certColumn >= 0 && IndexOf(ProcessCertificateColumns.Joined, c) is var j and >= 0 ? (Source.Certificate, j)
            : (Source.Stored, -1)).ToArray();
        HeaderLine = string.Join('\t', columns);
        Header = TsvRow.Header(HeaderLine);
    }

    /// <summary>Whether rows of a file with this header are joined (format-2 birth records and timeline).</summary>
    public static bool Needed(IReadOnlyDictionary<string, int> stored) =>
        (stored.ContainsKey(BirthRecordColumns.ProcessCert) && stored.ContainsKey("conn_id")) || (stored.ContainsKey(ReasonColumns.Id) && stored.ContainsKey("event"));

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The join for a stored header, or null when the file needs none (format 1, other files).</summary>
    public static RowJoin? For(IReadOnlyDictionary<string, int> stored, TrailDictionary dictionary) =>
        stored.ContainsKey(BirthRecordColumns.ProcessCert) && stored.ContainsKey("conn_id") ? new RowJoin(stored, BirthRecordColumns.Names, dictionary)
        : stored.ContainsKey(ReasonColumns.Id) && stored.ContainsKey("event") ? new RowJoin(stored, TimelineColumns.Names, dictionary)
        : null;

    public string[] Fields(string[] stored)
    {
        string[]? cert = null;
        if (_certColumn >= 0 && stored[_certColumn].Length > 0)
        {
            cert = _dictionary.Certificate(stored[_certColumn]);
            if (cert is null)
            {
                Unresolved++;
            }
        }
        string? reasons = null;
        if (_reasonsColumn >= 0)
        {
            reasons = _dictionary.Reasons(stored[_reasonsColumn]);
            if (reasons is null)
            {
                Unresolved++;
            }
        }
        var f = new string[_plan.Length];
        for (var i = 0; i < f.Length; i++)
        {
            var (kind, index) = _plan[i];
            f[i] = kind switch
            {
                Source.Stored => index >= 0 ? stored[index] : "",
                Source.Coded => CompactCodes.Decode(_names[i], stored[index]),
                Source.Certificate => cert?[index] ?? "",
                Source.Reasons => reasons ?? "",
                Source.Proto => stored[_certColumn].Length > 0 ? BirthRecordColumns.Tcp : "", // a data row (chain events have no certificate)
                // Stored before the direction column: outbound only (a data row has a certificate or a conn_id).
                Source.Outbound => stored[index].Length > 0 ? FlowDirections.Outbound : "",
                _ => "",
            };
        }
        return f;
    }
}
