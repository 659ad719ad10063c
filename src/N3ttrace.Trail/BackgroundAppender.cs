using System.Runtime.ExceptionServices;
using N3ttrace.Threading;

namespace N3ttrace.Trail;

/// <summary>
/// Runs a writer's row encoding (escaping, UTF-8, chain hashing) on its own thread, in order, so
/// the pipeline thread only hands over field arrays, and writes them to the file when asked
/// (<see cref="AddFlush"/>) without the pipeline waiting. <see cref="WaitIdle"/> is the barrier:
/// the writer calls it before anything that needs the chain state (seal, counters).
/// The encoding thread is a <see cref="BackgroundLoop"/> owned by this appender (and so by its
/// <c>RecordWriter</c>); the one stop path is <see cref="Dispose"/>: cancel, then wait. A stopping loop
/// still encodes and flushes every row queued before it returns, so nothing added is lost at stop.
/// </summary>
internal sealed class BackgroundAppender : IDisposable
{
    /// <summary>Rows waiting to be encoded, at most.</summary>
    public const int Capacity = 8192;

    private readonly object _lock = new();
    private readonly Action<IReadOnlyList<string>, string> _append;
    private readonly Action<bool> _flush;
    private readonly BackgroundLoop _loop;
    // Fields null: a flush request (Event "sync": to disk too).
    private List<(IReadOnlyList<string>? Fields, string Event)> _incoming = new(1024);
    private List<(IReadOnlyList<string>? Fields, string Event)> _working = new(1024);
    private bool _busy;
    private bool _stopping; // the loop's token is cancelled (set under _lock)
    private ExceptionDispatchInfo? _error;

    public BackgroundAppender(string name, Action<IReadOnlyList<string>, string> append, Action<bool> flush)
    {
        _append = append;
        _flush = flush;
        _loop = new BackgroundLoop($"n3ttrace-{name}", Run);
        _loop.Start();
    }

    /// <summary>The caller must not change <paramref name="fields"/> afterwards.</summary>
    public void Add(IReadOnlyList<string> fields, string chainEvent) => Enqueue(fields, chainEvent);

    /// <summary>Writes (and with <paramref name="toDisk"/> syncs) once the rows added so far are encoded.</summary>
    public void AddFlush(bool toDisk) => Enqueue(null, toDisk ? "sync" : "");

    private void Enqueue(IReadOnlyList<string>? fields, string chainEvent)
    {
        lock (_lock)
        {
            // Bounded: a writer that falls behind holds the pipeline back (and so the ring buffer
            // fills and priority rises) instead of piling rows up in memory.
            while (_incoming.Count >= Capacity && _error is null && !_stopping)
            {
                Monitor.Wait(_lock);
            }
            _incoming.Add((fields, chainEvent));
            if (_incoming.Count == 1)
            {
                Monitor.PulseAll(_lock);
            }
        }
    }

    /// <summary>Returns once every row added so far is encoded; rethrows what encoding threw.</summary>
    public void WaitIdle()
    {
        lock (_lock)
        {
            while (_incoming.Count > 0 || _busy)
            {
                Monitor.Wait(_lock);
            }
            if (_error is { } e)
            {
                _error = null;
                e.Throw();
            }
        }
    }

    private void Run(CancellationToken stopping)
    {
        // The waits below are on _lock, not on the token: cancelling wakes them, and the loop then
        // encodes what is still queued and returns only once the queue is empty.
        using var wake = stopping.Register(() =>
        {
            lock (_lock)
            {
                _stopping = true;
                Monitor.PulseAll(_lock);
            }
        });
        while (true)
        {
            lock (_lock)
            {
                while (_incoming.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_lock);
                }
                if (_incoming.Count == 0)
                {
                    return;
                }
                (_incoming, _working) = (_working, _incoming);
                _busy = true;
                Monitor.PulseAll(_lock); // room again for a waiting Add
            }
            try
            {
                foreach (var (fields, ev) in _working)
                {
                    if (fields is null)
                    {
                        _flush(ev == "sync");
                    }
                    else
                    {
                        _append(fields, ev);
                    }
                }
            }
            catch (Exception e)
            {
                lock (_lock)
                {
                    _error ??= ExceptionDispatchInfo.Capture(e);
                }
            }
            lock (_lock)
            {
                _working.Clear();
                _busy = false;
                Monitor.PulseAll(_lock);
            }
        }
    }

    /// <summary>Stops the encoding loop once every row queued so far is encoded and flushed.</summary>
    public void Dispose()
    {
        _loop.Stop();
        _loop.Dispose();
    }
}
