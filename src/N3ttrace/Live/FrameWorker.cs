using Microsoft.Extensions.Logging;
using N3ttrace.Threading;

namespace N3ttrace.Cli.Live;

/// <summary>
/// Draws frames on its own thread so a slow terminal or disk never holds up the pipeline. Only
/// the newest frame waits: one posted while another is waiting replaces it and is counted as skipped.
/// Owns its <see cref="BackgroundLoop"/>; <see cref="Dispose"/> is the stop path.
/// </summary>
public abstract class FrameWorker : IDisposable
{
    private readonly AutoResetEvent _signal = new(false);
    private readonly BackgroundLoop _loop;
    private readonly ILogger _log;
    private LiveFrame? _pending;
    private long _skipped;
    private volatile bool _failed;

    protected FrameWorker(string name, ILogger log)
    {
        _log = log;
        _loop = new BackgroundLoop(name, Loop);
    }

    /// <summary>Frames replaced before they were drawn.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    public void Start() => _loop.Start();

    /// <summary>Never blocks.</summary>
    public void Post(LiveFrame frame)
    {
        if (Interlocked.Exchange(ref _pending, frame) is not null)
        {
            Interlocked.Increment(ref _skipped);
        }
        _signal.Set();
    }

    /// <summary>Gives an output that failed another try (SIGHUP after the log's disk was fixed): it reports again if it fails again.</summary>
    public void Retry()
    {
        _failed = false;
        _signal.Set();
    }

    /// <summary>Asks for a redraw of the last frame (resize, key press).</summary>
    public void Wake() => _signal.Set();

    /// <summary>Draws a new frame, or redraws the last one when <paramref name="frame"/> is null.</summary>
    protected abstract void Draw(LiveFrame? frame);

    /// <summary>Runs on the worker thread after the last frame.</summary>
    protected virtual void Close() { }

    private void Loop(CancellationToken stopping)
    {
        WaitHandle[] wake = [_signal, stopping.WaitHandle];
        while (true)
        {
            WaitHandle.WaitAny(wake);
            var frame = Interlocked.Exchange(ref _pending, null);
            try
            {
                if (!_failed)
                {
                    Draw(frame);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _failed = true; // reported once; capture goes on without this output
                _log.LogError("{Worker}: {Message}; this output stops, capture goes on", _loop.Name, e.Message);
            }
            if (stopping.IsCancellationRequested && Volatile.Read(ref _pending) is null)
            {
                break;
            }
        }
        try
        {
            Close();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogError("{Worker}: {Message}", _loop.Name, e.Message);
        }
    }

    /// <summary>Draws what is pending, then stops. Gives up waiting after a few seconds (a stuck terminal must not hang the exit).</summary>
    public virtual void Dispose()
    {
        if (!_loop.Stop(TimeSpan.FromSeconds(3)))
        {
            _log.LogWarning("{Worker}: still blocked writing after 3 s; exiting without it", _loop.Name);
        }
        _loop.Dispose();
        GC.SuppressFinalize(this);
    }
}
