namespace N3ttrace.Threading;

/// <summary>
/// The one shape of every long-running loop in n3ttrace: a dedicated, named background thread
/// (not the thread pool: the ring drain must keep its own OS thread, whose nice value
/// <c>BacklogPriority</c> raises, and a blocked terminal write must not starve pool work) that runs
/// <c>body(stopping)</c> until the token is cancelled. The object that creates a loop owns it and is
/// the only one that stops it; the one stop path is <see cref="StopAsync"/> (or <see cref="Stop"/>):
/// cancel the token, then wait for the body to return. A body waits with
/// <c>stopping.WaitHandle.WaitOne(interval)</c> instead of sleeping, so a stop is never held up by a
/// sleep. An exception that escapes the body is not caught here: it ends the process, as a bug must.
/// </summary>
public sealed class BackgroundLoop : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private int _started;

    public BackgroundLoop(string name, Action<CancellationToken> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Name = name;
        var token = _stopping.Token;
        _thread = new Thread(() =>
        {
            try
            {
                body(token);
            }
            finally
            {
                _done.TrySetResult();
            }
        })
        { Name = name, IsBackground = true };
    }

    /// <summary>The thread's name (as `top -H` shows it).</summary>
    public string Name { get; }

    /// <summary>Completes when the body has returned (or at once for a loop never started).</summary>
    public Task Completion => _done.Task;

    /// <summary>Starts the thread; a second call does nothing.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _thread.Start();
        }
    }

    /// <summary>Asks the body to return and completes when it has.</summary>
    public Task StopAsync()
    {
        Cancel();
        return Completion;
    }

    /// <summary>Asks the body to return and waits at most <paramref name="timeout"/>; false if it is still running (blocked in a write).</summary>
    public bool Stop(TimeSpan timeout)
    {
        Cancel();
        return Completion.Wait(timeout);
    }

    /// <summary>Asks the body to return and waits until it has.</summary>
    public void Stop() => Stop(Timeout.InfiniteTimeSpan);

    private void Cancel()
    {
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        if (Volatile.Read(ref _started) == 0)
        {
            _done.TrySetResult();
        }
    }

    /// <summary>Stops without waiting (the owner has already waited, or gave up waiting).</summary>
    public void Dispose()
    {
        Cancel();
        if (_done.Task.IsCompleted)
        {
            _stopping.Dispose();
        }
    }
}
