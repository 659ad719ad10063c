using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using N3ttrace.Interop;
using N3ttrace.Text;
using N3ttrace.Time;
using N3ttrace.Trail.Segments;

namespace N3ttrace.Trail;

/// <summary>
/// Appends hash-chained TSV rows to one file of the state directory (see <see cref="ChainColumns"/>).
/// Rows are encoded into a memory buffer and written with one append per flush (or per MiB, in a
/// storm), never partially kept: if a write fails (ENOSPC, EIO) the file is cut back to the last whole row, the chain head
/// rolls back, and the next successful flush starts with a write-failure record that counts the
/// lost rows. On open, a torn last line left by a crash is moved aside (<see cref="TornTail"/>).
/// </summary>
public sealed class RecordWriter : IDisposable
{
    private FileStream _file;
    private readonly StateDirectory _dir;
    /// <summary>The header line (with its newline) of the file: every segment cut from it starts with the same.</summary>
    private byte[] _headerBytes = [];
    private readonly ChainHash _hash;
    private readonly Func<long, string, string>? _seal;
    private readonly int _dataColumns;
    /// <summary>A file an earlier release began (a column added since): the positions of its columns in the rows handed in.</summary>
    private readonly int[]? _keep;

    /// <summary>Columns this file has no place for (an earlier release's header): appended rows leave them out.</summary>
    public IReadOnlyList<string> LeftOut { get; } = [];
    /// <summary>Format 1: chain_prev is written beside chain_hash.</summary>
    private readonly bool _storesPrev;
    /// <summary>Format 3: the chain head is written on the last row of each write only (chain_head).</summary>
    private readonly bool _headOnly;
    /// <summary>Format 3: where in the pending buffer the last row's (empty) chain_head field begins.</summary>
    private long _lastHeadPos = -1;
    /// <summary>Rows are written once this much is buffered, even between flushes.</summary>
    private const int PendingLimit = 1 << 20;
    private readonly MemoryStream _pending = new(PendingLimit + (1 << 16));
    private byte[] _row = new byte[4096];
    private int _rowLength;
    private long _committedLength;
    private long _pendingRows;
    private string? _failureNote;
    private bool _unsynced = true;
    private readonly BackgroundAppender? _background;
    private long _seq;
    private readonly byte[] _head = Encoding.ASCII.GetBytes(ChainHash.Genesis);
    private string? _headText = ChainHash.Genesis;
    private long _rows;

    public string Name { get; }
    /// <summary>The file is of format 1 (chain_prev stored; see <see cref="TrailFile.LegacyDataColumns"/>).</summary>
    public bool Legacy => Format == 1;
    /// <summary>The format the file is written in (1, 2, or 3 for a file with chain_head; see <see cref="TrailSchema.Format"/>).</summary>
    public int Format { get; }
    /// <summary>Rows appended by this writer (data and chain events) that reached the file.</summary>
    public long Rows { get { Settle(); return _rows; } private set => _rows = value; }
    /// <summary>Sequence number and hash of the last row appended (maybe not yet flushed).</summary>
    public long Seq { get { Settle(); return _seq; } private set => _seq = value; }
    public string Head
    {
        get { Settle(); return HeadText(); }
        private set { Encoding.ASCII.GetBytes(value, _head); _headText = value; }
    }
    /// <summary>Sequence number and hash of the last row known to be in the file.</summary>
    public long CommittedSeq { get; private set; }
    public string CommittedHead { get; private set; } = ChainHash.Genesis;
    /// <summary>chain_event of the last row found in the file at open ("" for a data row, null for an empty file).</summary>
    public string? LastEventAtOpen { get; }
    /// <summary>The time of the last row the file held when opened (the end of the previous run).</summary>
    public string? LastTsAtOpen { get; }
    public TornTail? Torn { get; }
    public long WriteFailures { get; private set; }
    public long LostRows { get; private set; }
    public string? LastError { get; private set; }
    /// <summary>The last write failed for want of room (ENOSPC, EDQUOT): writing is paused until one succeeds.</summary>
    public bool NoSpace { get; private set; }
    /// <summary>The time of chain events this writer adds itself (the write-failure record).</summary>
    public Func<DateTime> Clock { get; init; } = () => DateTime.UtcNow;
    /// <summary>Since when writes fail (null while they succeed), and the rows lost since then.</summary>
    private DateTime? _failingSince;
    private long _lostSinceFailing;
    /// <summary>The write-failure record is in the pending buffer (it is no lost row of its own if that write fails too).</summary>
    private bool _notePending;

    /// <param name="seal">For a sealed file: given (seq, chain hash), returns the trailing mac column.</param>
    /// <param name="background">Encode rows on a thread of their own (the trail's busy files): Append only hands the fields over.</param>
    public RecordWriter(StateDirectory dir, string name, IReadOnlyList<string> dataColumns, Func<long, string, string>? seal = null, bool background = false)
        : this(dir, new TrailFile(name, dataColumns, seal is not null), seal, background)
    {
    }

    /// <summary>
    /// Appends to <paramref name="file"/> in the format it already has: a file of format 1 (its legacy header,
    /// with chain_prev) goes on in format 1, so a state directory of an earlier release keeps one format per file.
    /// A new file is written in the current format, or in format 1 when <paramref name="legacy"/> asks for it
    /// (format 2 when <paramref name="format2"/> does: benchmarks side by side).
    /// </summary>
    public RecordWriter(StateDirectory dir, TrailFile file, Func<long, string, string>? seal = null, bool background = false, bool legacy = false, bool format2 = false)
    {
        Name = file.Name;
        var name = file.Name;
        _seal = seal;
        _hash = new ChainHash(name);
        var header = legacy ? file.LegacyHeaderLine : format2 ? file.Format2HeaderLine : file.HeaderLine;
        var format = file.FormatOf(header);
        _dir = dir;
        _file = dir.OpenChained(name);
        try
        {
            Torn = TornTail.Recover(dir, name, _file);
            // The chain goes on from the last sealed segment when the live file holds no row yet (just cut).
            var previous = SegmentCut.Recover(dir, name, _file);
            _committedLength = _file.Length;
            if (_committedLength == 0)
            {
                header = previous?.First ?? header; // a segmented trail keeps its format across cuts
                var h = Encoding.UTF8.GetBytes(header + "\n");
                RandomAccess.Write(_file.SafeFileHandle, h, 0);
                _committedLength = h.Length;
            }
            var (firstLine, lastLine) = FirstAndLastLine();
            _headerBytes = Encoding.UTF8.GetBytes(firstLine + "\n");
            if (lastLine is null && previous is not null && previous.First == firstLine)
            {
                lastLine = previous.Last;
            }
            {
                format = file.FormatOf(firstLine);
                if (format == 0 && file.EarlierOf(firstLine) is { } earlier)
                {
                    var missing = file.DataColumns.Except(earlier.Columns).ToArray();
                    if (!earlier.Appendable)
                    {
                        throw new StateDirectoryException($"{dir.FilePath(name)} was written by an earlier release (no {string.Join(", ", missing)} column): query, at and verify read it, but run cannot append to it; move the trail files aside or use another --state-dir");
                    }
                    // Rows go on in the file's own columns: what it has no column for is left out (said at start).
                    _keep = earlier.Columns.Select(c => file.DataColumns.ToList().IndexOf(c)).ToArray();
                    LeftOut = missing;
                    format = file.HeadOnly ? 3 : 2;
                }
                if (format == 0)
                {
                    throw new StateDirectoryException($"{dir.FilePath(name)} has a different header than this version writes; move it aside or use another --state-dir");
                }
                legacy = format == 1;
                if (lastLine is not null)
                {
                    var fields = lastLine.Split('\t');
                    var hashIdx = fields.Length - (seal is null ? 1 : 2);
                    var seqIdx = hashIdx - (legacy ? 3 : 2);
                    var head = fields[hashIdx];
                    if (seqIdx >= 1 && format == 3 && head.Length == 0)
                    {
                        // A write cut short (a crash) can end the file on a row whose head is derived: derive it.
                        head = HeadRecovery.Recompute(_file, name, seal is not null, previous?.Head ?? ChainHash.Genesis) ?? "";
                    }
                    if (seqIdx < 1 || !long.TryParse(fields[seqIdx], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                        || head.Length != ChainHash.HexLength || !Ascii.IsValid(head))
                    {
                        throw new StateDirectoryException($"the last record of {dir.FilePath(name)} is not a chained row; run 'n3ttrace verify' and move the file aside");
                    }
                    Seq = CommittedSeq = seq;
                    Rows = 0;
                    Head = CommittedHead = head;
                    LastEventAtOpen = fields[seqIdx + 1];
                    LastTsAtOpen = fields[0];
                }
            }
        }
        catch
        {
            _file.Dispose();
            throw;
        }
        Format = format;
        _storesPrev = legacy;
        _headOnly = format == 3 && seal is null;
        _dataColumns = _keep?.Length ?? file.DataColumnsOf(format).Count;
        if (background)
        {
            _background = new BackgroundAppender(name, AppendRow, toDisk => WriteAndSync(toDisk));
        }
    }

    /// <summary>
    /// Cuts the live file at a seal boundary (the caller has just sealed its head): it becomes segment
    /// <paramref name="number"/>, and a new live file with the same header continues the chain, its first row
    /// hashed onto the segment's last head. The live name never goes missing (<see cref="SegmentCut"/>).
    /// Returns false, with the file left as it was, when the cut could not be made (a full disk).
    /// </summary>
    public bool Cut(long number)
    {
        Settle();
        if (!WriteAndSync(toDisk: true))
        {
            return false;
        }
        if (SegmentCut.Cut(_dir, Name, number, _headerBytes) is { } error)
        {
            LastError = error;
            return false;
        }
        var next = _dir.OpenChained(Name);
        _file.Dispose();
        _file = next;
        _committedLength = _file.Length;
        _unsynced = false;
        Segments++;
        return true;
    }

    /// <summary>Segments cut by this writer.</summary>
    public long Segments { get; private set; }

    /// <summary>Bytes written to the live file so far (its header included), read without waiting for the encoding thread.</summary>
    public long LiveBytes => Volatile.Read(ref _committedLength);

    /// <summary>Waits for rows still being encoded: the chain state is read only when settled.</summary>
    private void Settle() => _background?.WaitIdle();

    /// <summary>Appends a data row (fields escaped here).</summary>
    public void Append(IReadOnlyList<string> fields) => Enqueue(fields, "");

    /// <summary>Appends a chain event row: only ts is set, the event names what happened.</summary>
    public void AppendEvent(string chainEvent, DateTime utc) => Enqueue(EventFields(utc), chainEvent);

    private string[] EventFields(DateTime utc)
    {
        var fields = new string[_dataColumns];
        Array.Fill(fields, "");
        fields[0] = Timestamp.ToRecord(utc);
        return fields;
    }

    /// <summary>Rows handed to this writer so far (data and chain events), encoded or not: read without waiting.</summary>
    public long Enqueued { get; private set; }

    private void Enqueue(IReadOnlyList<string> fields, string chainEvent)
    {
        Enqueued++;
        if (_keep is not null && chainEvent.Length == 0)
        {
            var kept = new string[_keep.Length];
            for (var i = 0; i < kept.Length; i++)
            {
                kept[i] = fields[_keep[i]];
            }
            fields = kept;
        }
        if (_background is null)
        {
            AppendRow(fields, chainEvent);
        }
        else
        {
            _background.Add(fields, chainEvent);
        }
    }

    private void AppendRow(IReadOnlyList<string> fields, string chainEvent)
    {
        if (fields.Count != _dataColumns)
        {
            throw new ArgumentException($"{Name}: {fields.Count} fields for {_dataColumns} columns");
        }
        if (_failureNote is not null)
        {
            var note = _failureNote;
            _failureNote = null;
            AppendRow(EventFields(Clock()), note); // before this row, on whichever thread encodes
            _notePending = true;
        }
        // Encoded straight to UTF-8 in a reused buffer: no per-row strings (a storm writes millions).
        // Runs on the encoding thread: backing fields only (the properties wait for this thread).
        _rowLength = 0;
        foreach (var f in fields)
        {
            PutText(f);
            PutByte((byte)'\t');
        }
        Reserve(20);
        (_seq + 1).TryFormat(_row.AsSpan(_rowLength), out var n, provider: CultureInfo.InvariantCulture);
        _rowLength += n;
        PutByte((byte)'\t');
        PutText(chainEvent);
        // The hashed text always ends with the predecessor's hash; only format 1 also stores it.
        var stored = _rowLength;
        PutByte((byte)'\t');
        Reserve(ChainHash.HexLength);
        _head.CopyTo(_row.AsSpan(_rowLength));
        _rowLength += ChainHash.HexLength;
        var body = _row.AsSpan(0, _rowLength);
        _hash.Compute(body, _head);
        _headText = null;
        _pending.Write(_storesPrev ? body : body[..stored]);
        _pending.WriteByte((byte)'\t');
        if (_headOnly)
        {
            _lastHeadPos = _pending.Length; // filled in if this row ends the write (see WritePending)
        }
        else
        {
            _pending.Write(_head);
        }
        _seq++;
        if (_seal is not null)
        {
            _pending.WriteByte((byte)'\t');
            _pending.Write(Encoding.ASCII.GetBytes(_seal(_seq, HeadText())));
        }
        _pending.WriteByte((byte)'\n');
        _pendingRows++;
        if (_pending.Length >= PendingLimit)
        {
            WritePending(); // a storm between two flushes must not grow the buffer without bound
        }
    }

    private void PutText(string s)
    {
        var escaped = TextEscaper.Escape(s); // the same string when nothing needs escaping
        Reserve(Encoding.UTF8.GetMaxByteCount(escaped.Length));
        _rowLength += Encoding.UTF8.GetBytes(escaped, _row.AsSpan(_rowLength));
    }

    private void PutByte(byte b)
    {
        Reserve(1);
        _row[_rowLength++] = b;
    }

    private void Reserve(int bytes)
    {
        if (_rowLength + bytes > _row.Length)
        {
            Array.Resize(ref _row, Math.Max(_row.Length * 2, _rowLength + bytes));
        }
    }

    private string HeadText() => _headText ??= Encoding.ASCII.GetString(_head);

    /// <summary>Writes the buffered rows in one append; on failure cuts the file back and rolls the chain back.
    /// Returns false when rows were lost (counted in <see cref="LostRows"/>).</summary>
    public bool Flush(bool toDisk = false)
    {
        Settle();
        return WriteAndSync(toDisk);
    }

    /// <summary>
    /// Like <see cref="Flush"/>, but a background writer only asks its thread to write once the rows
    /// handed over so far are encoded, and returns at once: the pipeline does not wait for the disk.
    /// </summary>
    public void FlushLater(bool toDisk = false)
    {
        if (_background is null)
        {
            Flush(toDisk);
        }
        else
        {
            _background.AddFlush(toDisk);
        }
    }

    private bool WriteAndSync(bool toDisk)
    {
        if (!WritePending())
        {
            return false;
        }
        if (toDisk && _unsynced)
        {
            if (LibC.FSync(_file.SafeFileHandle) != 0)
            {
                LastError = Marshal.GetLastPInvokeErrorMessage();
                return false;
            }
            _unsynced = false;
        }
        return true;
    }

    /// <summary>
    /// Appends the buffered rows in one write, or on failure cuts the file back and rolls the chain
    /// back. Runs on whichever thread encodes (never two at once): backing fields only.
    /// </summary>
    private bool WritePending()
    {
        if (_pending.Length == 0)
        {
            return true;
        }
        if (_headOnly && _lastHeadPos >= 0)
        {
            // The last row of each write carries the full head: a reader or a restart finds it on the last line.
            _pending.SetLength(_lastHeadPos);
            _pending.Position = _lastHeadPos;
            _pending.Write(_head);
            _pending.WriteByte((byte)'\n');
            _lastHeadPos = -1;
        }
        try
        {
            RandomAccess.Write(_file.SafeFileHandle, _pending.GetBuffer().AsSpan(0, (int)_pending.Length), _committedLength);
            _committedLength += _pending.Length;
            _unsynced = true;
            _rows += _pendingRows;
            CommittedSeq = _seq;
            CommittedHead = HeadText();
            _failingSince = null;
            _lostSinceFailing = 0;
            NoSpace = false;
            return true;
        }
        catch (IOException e)
        {
            // Whatever part of the buffer landed is cut off again: no half record stays in the chain.
            LibC.FTruncate(_file.SafeFileHandle, _committedLength);
            WriteFailures++;
            var lost = _pendingRows - (_notePending ? 1 : 0);
            LostRows += lost;
            _lostSinceFailing += lost;
            _failingSince ??= Clock();
            // ENOSPC and EDQUOT (.NET's IOException carries the errno on Unix).
            NoSpace = e.HResult is 28 or 122 || e.Message.Contains("No space left", StringComparison.Ordinal);
            LastError = e.Message;
            // Written with the first write that succeeds again: the window since the first failure and the rows lost in it
            // (the text of the error last, it has spaces).
            _failureNote = string.Create(CultureInfo.InvariantCulture,
                $"{ChainColumns.WriteFailure} lost_rows={LostRows} records={_lostSinceFailing} from={Timestamp.ToRecord(_failingSince.Value)} cause={(NoSpace ? "disk-full" : "io-error")} error={e.Message}");
            _seq = CommittedSeq;
            Encoding.ASCII.GetBytes(CommittedHead, _head);
            _headText = CommittedHead;
            return false;
        }
        finally
        {
            _pending.SetLength(0);
            _pendingRows = 0;
            _notePending = false;
        }
    }

    /// <summary>The header and the last row (null when the file holds only the header).</summary>
    private (string First, string? Last) FirstAndLastLine()
    {
        var lastNl = TornTail.LastNewline(_file, _file.Length);
        var firstNl = FirstNewline();
        var first = ReadString(0, firstNl);
        if (lastNl == firstNl)
        {
            return (first, null);
        }
        var prevNl = TornTail.LastNewline(_file, lastNl);
        return (first, ReadString(prevNl + 1, lastNl));
    }

    private long FirstNewline()
    {
        var buf = new byte[64 * 1024];
        for (long off = 0; ; off += buf.Length)
        {
            var n = RandomAccess.Read(_file.SafeFileHandle, buf, off);
            if (n <= 0)
            {
                return -1;
            }
            var i = buf.AsSpan(0, n).IndexOf((byte)'\n');
            if (i >= 0)
            {
                return off + i;
            }
        }
    }

    private string ReadString(long from, long to)
    {
        var b = new byte[to - from];
        RandomAccess.Read(_file.SafeFileHandle, b, from);
        return Encoding.UTF8.GetString(b);
    }

    public void Dispose()
    {
        Flush(toDisk: true);
        _background?.Dispose();
        _hash.Dispose();
        _file.Dispose();
        _pending.Dispose();
    }
}
