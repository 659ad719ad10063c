using System.Globalization;
using System.IO.Compression;
using System.Text;
using N3ttrace.Threading;

namespace N3ttrace.Trail.Segments;

/// <summary>
/// Compresses sealed segments with Brotli (the BCL's, at its fastest level: 56 bytes per connection against 290 plain,
/// at 39 MB/s; see docs/trail.md), on a thread of its own so capture never waits for it. Written atomically: the
/// compressed bytes go to NAME.br.tmp, are fsynced and renamed to NAME.br, the index line is appended and fsynced, and
/// only then is the plain segment removed. A crash at any point leaves the plain segment (and maybe a stray .tmp,
/// removed at the next pass), never a segment that exists only half.
/// </summary>
public sealed class SegmentCompressor : IDisposable
{
    private const string TempSuffix = ".tmp";
    private readonly StateDirectory _dir;
    private readonly BackgroundLoop _loop;
    private readonly SemaphoreSlim _kick = new(0);
    private volatile bool _stopping;
    private long _compressed;
    private long _failures;

    public SegmentCompressor(StateDirectory dir)
    {
        _dir = dir;
        _loop = new BackgroundLoop("n3ttrace-segment-compress", Loop);
        _loop.Start();
    }

    /// <summary>Segments compressed, and compressions that failed (the plain segment then stays, and is read as it is).</summary>
    public long Compressed => Interlocked.Read(ref _compressed);
    public long Failures => Interlocked.Read(ref _failures);
    public string? LastError { get; private set; }

    /// <summary>Asks for a pass over the plain sealed segments (after a cut, and at start).</summary>
    public void Kick() => _kick.Release();

    /// <summary>Waits until every plain sealed segment present now is compressed (tests, benchmarks).</summary>
    public void CompressAllNow() => CompressPending();

    private void Loop(CancellationToken stopping)
    {
        // Compression is background work: below the capture and trail threads.
        Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                _kick.Wait(stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            CompressPending();
        }
    }

    private readonly Lock _pass = new();

    /// <summary>Holds off compression passes (pruning removes segments); false while a pass runs: try again later.</summary>
    public bool TryHold() => _pass.TryEnter();

    public void Release() => _pass.Exit();

    private void CompressPending()
    {
        lock (_pass)
        {
            foreach (var name in new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile })
            {
                foreach (var seg in TrailSegments.List(_dir.Path, name).Where(s => !s.Compressed))
                {
                    if (_stopping)
                    {
                        return;
                    }
                    try
                    {
                        Compress(_dir, name, seg);
                        Interlocked.Increment(ref _compressed);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or StateDirectoryException or InvalidDataException)
                    {
                        // A full disk: the half-written copy must not hold on to the room the trail needs.
                        try
                        {
                            File.Delete(_dir.FilePath(TrailSegments.Name(name, seg.Number, compressed: true) + TempSuffix));
                        }
                        catch (Exception d) when (d is IOException or UnauthorizedAccessException)
                        {
                        }
                        Interlocked.Increment(ref _failures);
                        LastError = e.Message;
                    }
                }
            }
        }
    }

    /// <summary>Compresses one plain segment in place of itself (see the type's summary for the order of steps).</summary>
    public static void Compress(StateDirectory dir, string fileName, SegmentFile plain)
    {
        var brName = TrailSegments.Name(fileName, plain.Number, compressed: true);
        var tmpName = brName + TempSuffix;
        // While the plain segment exists it is the one read: a compressed copy beside it is from a pass a crash cut short.
        foreach (var stale in new[] { tmpName, brName })
        {
            if (dir.FileExists(stale))
            {
                File.Delete(dir.FilePath(stale));
            }
        }
        SegmentIndexEntry entry;
        using (var source = TrailStream.OpenPart(plain))
        {
            entry = Scan(source, fileName, plain.Number);
            source.Position = 0;
            using var target = dir.CreateNew(tmpName);
            // Independent blocks with an index: `at` then decodes one block, not the segment up to its offset.
            BrotliBlocks.Write(source, target, CompressionLevel.Fastest);
            target.Flush(flushToDisk: true);
        }
        File.Move(dir.FilePath(tmpName), dir.FilePath(brName), overwrite: false);
        dir.SyncDirectory();
        SegmentIndex.Append(dir, entry);
        File.Delete(plain.Path);
        dir.SyncDirectory();
    }

    /// <summary>The index line of a segment: one pass over its rows.</summary>
    internal static SegmentIndexEntry Scan(Stream source, string fileName, long number)
    {
        using var reader = new StreamReader(source, new UTF8Encoding(false), false, 1 << 16, leaveOpen: true);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"segment {number} of {fileName} is empty");
        var names = header.Split('\t');
        var seqCol = Array.IndexOf(names, "chain_seq");
        var eventCol = Array.IndexOf(names, "event");
        long rows = 0, firstSeq = -1, lastSeq = -1;
        string? firstTs = null, lastTs = null, keyframe = null;
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split('\t');
            if (f.Length != names.Length)
            {
                continue;
            }
            rows++;
            var ts = f[0];
            if (ts.Length > 0)
            {
                firstTs = firstTs is null || string.CompareOrdinal(ts, firstTs) < 0 ? ts : firstTs;
                lastTs = lastTs is null || string.CompareOrdinal(ts, lastTs) > 0 ? ts : lastTs;
            }
            if (seqCol >= 0 && long.TryParse(f[seqCol], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                firstSeq = firstSeq < 0 ? seq : firstSeq;
                lastSeq = seq;
            }
            if (keyframe is null && eventCol >= 0 && f[eventCol] == TimelineColumns.KeyframeBegin)
            {
                keyframe = ts;
            }
        }
        return new SegmentIndexEntry(fileName, number, source.Length, rows, firstTs ?? "", lastTs ?? "", firstSeq, lastSeq, keyframe ?? "");
    }

    public void Dispose()
    {
        _stopping = true; // ends a pass between segments
        _loop.Stop(TimeSpan.FromSeconds(30));
        _loop.Dispose();
        _kick.Dispose();
    }
}
