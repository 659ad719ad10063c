using System.Buffers.Text;
using System.Text;

namespace N3ttrace.Trail;

/// <summary>
/// Walks one chained file as raw bytes and checks every row: its own hash, its sequence number,
/// and that it follows its predecessor's hash. Classifies what it finds (edit, deletion,
/// reordering, truncation) and hands each parsed row to the caller for the checks that need
/// more context (checkpoints, seals). Reads both formats: format 1 stores the predecessor's hash
/// (chain_prev) in the row, format 2 hashes it without storing it (the header says which).
/// </summary>
internal sealed class ChainScanner
{
    internal ref struct Row
    {
        public long Line;
        public long Seq;
        public ReadOnlySpan<byte> Ts;
        public ReadOnlySpan<byte> Event;
        public ReadOnlySpan<byte> Hash;
        public ReadOnlySpan<byte> Mac;
        public ReadOnlySpan<byte> Text;
    }

    internal delegate void RowVisitor(ref Row row);

    private readonly string _file;
    private readonly byte[] _header;
    private readonly byte[] _legacyHeader;
    private readonly byte[] _headHeader;
    /// <summary>Format 3: chain_head is stored on the last row of each write only; the others' is derived.</summary>
    private bool _headOnly;
    /// <summary>Format 1: chain_prev is stored in each row.</summary>
    private bool _storesPrev;
    private readonly bool _sealed;
    private readonly VerifyReport _report;
    private readonly ChainSummary _summary;

    /// <summary>Headers an earlier release wrote in the current format (a column added since).</summary>
    private readonly byte[][] _earlierHeaders;

    public ChainScanner(string file, IReadOnlyList<string> dataColumns, bool sealedFile, VerifyReport report, ChainSummary summary, IReadOnlyList<string>? legacyDataColumns = null, IReadOnlyList<string>? format2DataColumns = null,
        IEnumerable<string>? earlierHeaders = null)
    {
        _earlierHeaders = (earlierHeaders ?? []).Select(h => Encoding.UTF8.GetBytes(h)).ToArray();
        _file = file;
        _header = Encoding.UTF8.GetBytes(string.Join('\t', ChainColumns.With(format2DataColumns ?? dataColumns, sealedFile)));
        _legacyHeader = Encoding.UTF8.GetBytes(string.Join('\t', ChainColumns.With(legacyDataColumns ?? dataColumns, sealedFile, legacy: true)));
        _headHeader = Encoding.UTF8.GetBytes(string.Join('\t', ChainColumns.With(dataColumns, sealedFile, headOnly: true)));
        _sealed = sealedFile;
        _report = report;
        _summary = summary;
    }

    public long LastSeq { get; private set; }

    /// <summary>Prune anchors (sealed in checkpoints.tsv): last pruned chain_seq -> the chain head of that row.</summary>
    public IReadOnlyDictionary<long, byte[]>? Anchors { get; init; }

    /// <summary>The chain_seq of the last pruned row when the file begins after a prune anchor (0: it begins at row 1).</summary>
    public long StartsAfter { get; private set; }

    public void Scan(Stream stream, RowVisitor? visit, ChainStart? start = null)
    {
        using var reader = new ByteLineReader(stream);
        using var hash = new ChainHash(_file);
        Span<byte> computed = new byte[ChainHash.HexLength]; // on the heap: a derived head (format 3) is handed to the visitor
        var prevHash = Encoding.ASCII.GetBytes(start?.Hash ?? ChainHash.Genesis);
        var expected = (start?.Seq ?? 0) + 1;
        if (prevHash.Length != ChainHash.HexLength)
        {
            Add(0, DamageKind.Edit, "the chain start (the hash of the row before the first) is not a chain hash");
            prevHash = Encoding.ASCII.GetBytes(ChainHash.Genesis);
        }
        var gapDamage = -1;
        long gapFrom = 0, gapTo = 0;
        if (!reader.Next(out var header, out var headerDone))
        {
            return;
        }
        _storesPrev = header.SequenceEqual(_legacyHeader) || (!header.SequenceEqual(_header) && header.IndexOf("\tchain_prev\t"u8) >= 0);
        _headOnly = header.SequenceEqual(_headHeader) || (!header.SequenceEqual(_header) && header.EndsWith("\tchain_head"u8));
        var known = header.SequenceEqual(_header) || header.SequenceEqual(_legacyHeader) || header.SequenceEqual(_headHeader);
        foreach (var h in _earlierHeaders)
        {
            known |= header.SequenceEqual(h);
        }
        if (!known || !headerDone)
        {
            Add(1, DamageKind.Edit, "the header line differs from the one n3ttrace writes");
        }
        var hashed = new byte[256];
        while (reader.Next(out var line, out var terminated))
        {
            var n = reader.LineNumber;
            _summary.Rows++;
            if (!terminated)
            {
                Add(n, DamageKind.Truncation, $"the last line is incomplete ({line.Length} bytes, no newline): the file was cut");
                break;
            }
            if (!TryParse(line, out var row))
            {
                Add(n, DamageKind.Edit, "the row is malformed (its chain columns cannot be read)");
                expected++;
                continue;
            }
            row.Line = n;
            if (expected == 1 && row.Seq > 1 && Anchors is not null && Anchors.TryGetValue(row.Seq - 1, out var anchor))
            {
                // The rows before were pruned, and a sealed anchor names the last one's head: the chain goes on from it.
                anchor.CopyTo(prevHash, 0);
                expected = row.Seq;
                StartsAfter = row.Seq - 1;
            }
            if (!_storesPrev)
            {
                // Format 2: the hashed text is the stored one, a tab and the predecessor's hash.
                if (hashed.Length < row.Text.Length + 1 + ChainHash.HexLength)
                {
                    hashed = new byte[(row.Text.Length + 1 + ChainHash.HexLength) * 2];
                }
                row.Text.CopyTo(hashed);
                hashed[row.Text.Length] = (byte)'\t';
                prevHash.CopyTo(hashed.AsSpan(row.Text.Length + 1));
                hash.Compute(hashed.AsSpan(0, row.Text.Length + 1 + ChainHash.HexLength), computed);
                if (row.Hash.Length == 0)
                {
                    row.Hash = computed; // format 3: derived here, checked where the next stored head comes
                }
                else if (!computed.SequenceEqual(row.Hash) && row.Seq == expected)
                {
                    Add(n, DamageKind.Edit, _headOnly
                        ? $"row {row.Seq} does not match its head over its content and the rows before it: it, or a row since the last stored head, was changed"
                        : $"row {row.Seq} does not match its hash over its content and its predecessor's: it, or the row before it, was changed");
                    expected++;
                    row.Hash.CopyTo(prevHash);
                    continue;
                }
            }
            else
            {
                hash.Compute(row.Text, computed);
            }
            if (_storesPrev && !computed.SequenceEqual(row.Hash))
            {
                // Trust neither its seq nor its content; resynchronise on the next row.
                Add(n, DamageKind.Edit, $"the row (seq {expected}) does not match its hash: its content was changed");
                expected++;
                row.Hash.CopyTo(prevHash);
                continue;
            }
            else if (row.Seq > expected)
            {
                gapDamage = Add(n, DamageKind.Deletion, $"rows {expected}..{row.Seq - 1} are missing before row {row.Seq}");
                gapFrom = expected;
                gapTo = row.Seq - 1;
            }
            else if (row.Seq < expected)
            {
                if (gapDamage >= 0 && row.Seq >= gapFrom && row.Seq <= gapTo && gapDamage < _report.Damages.Count)
                {
                    // The "missing" rows turned up later: they were moved, not deleted.
                    var d = _report.Damages[gapDamage];
                    _report.Damages[gapDamage] = d with { Kind = DamageKind.Reordering, Detail = $"row {gapFrom} and following appear out of order (row {gapTo + 1} came first)" };
                    gapDamage = -1;
                }
                else
                {
                    Add(n, DamageKind.Reordering, $"row {row.Seq} appears after row {expected - 1}");
                }
            }
            else if (_storesPrev && !PrevField(line).SequenceEqual(prevHash))
            {
                Add(n - 1, DamageKind.Edit, $"row {row.Seq - 1} was changed or replaced: row {row.Seq} names a different predecessor");
            }
            expected = row.Seq + 1;
            row.Hash.CopyTo(prevHash);
            LastSeq = Math.Max(LastSeq, row.Seq);
            visit?.Invoke(ref row);
        }
    }

    private int Add(long line, DamageKind kind, string detail)
    {
        _report.Add(new Damage(_file, line, kind, detail));
        return _report.Damages.Count - 1;
    }

    /// <summary>Splits the chain columns off the end: ... seq, event, [prev (format 1),] hash[, mac].</summary>
    private bool TryParse(ReadOnlySpan<byte> line, out Row row)
    {
        row = default;
        var rest = line;
        if (_sealed)
        {
            var m = rest.LastIndexOf((byte)'\t');
            if (m < 0)
            {
                return false;
            }
            row.Mac = rest[(m + 1)..];
            rest = rest[..m];
        }
        var h = rest.LastIndexOf((byte)'\t');
        if (h < 0)
        {
            return false;
        }
        row.Hash = rest[(h + 1)..];
        row.Text = rest[..h];
        if (row.Hash.Length != ChainHash.HexLength && !(_headOnly && row.Hash.Length == 0))
        {
            return false;
        }
        var p = _storesPrev ? row.Text.LastIndexOf((byte)'\t') : row.Text.Length;
        if (p < 0)
        {
            return false;
        }
        var beforePrev = row.Text[..p];
        var e = beforePrev.LastIndexOf((byte)'\t');
        if (e < 0)
        {
            return false;
        }
        row.Event = beforePrev[(e + 1)..];
        var beforeEvent = beforePrev[..e];
        var s = beforeEvent.LastIndexOf((byte)'\t');
        if (s < 0 || !Utf8Parser.TryParse(beforeEvent[(s + 1)..], out long seq, out var used) || used != beforeEvent.Length - s - 1)
        {
            return false;
        }
        row.Seq = seq;
        var t = line.IndexOf((byte)'\t');
        row.Ts = line[..t];
        return true;
    }

    private ReadOnlySpan<byte> PrevField(ReadOnlySpan<byte> line)
    {
        var rest = line;
        for (var i = 0; i < (_sealed ? 2 : 1); i++)
        {
            rest = rest[..rest.LastIndexOf((byte)'\t')];
        }
        return rest[(rest.LastIndexOf((byte)'\t') + 1)..];
    }
}
