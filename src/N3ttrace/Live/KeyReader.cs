using N3ttrace.Threading;

namespace N3ttrace.Cli.Live;

/// <summary>
/// Reads single key presses from the terminal (no Enter needed) and applies them to the controls.
/// Owns its <see cref="BackgroundLoop"/>; <see cref="Dispose"/> is the stop path.
/// </summary>
public sealed class KeyReader : IDisposable
{
    private readonly LiveControls _controls;
    private readonly Action _redraw;
    private readonly BackgroundLoop _loop;

    public KeyReader(LiveControls controls, Action redraw)
    {
        _controls = controls;
        _redraw = redraw;
        _loop = new BackgroundLoop("live-keys", Loop);
        _loop.Start();
    }

    private void Loop(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                // Polling lets the thread end on Dispose; ReadKey alone would block until a key.
                if (!Console.KeyAvailable)
                {
                    stopping.WaitHandle.WaitOne(50);
                    continue;
                }
                if (Interop.LibC.IsATty(0) == 0)
                {
                    // The terminal hung up (ssh dropped, tmux killed): stdin polls readable forever and every read
                    // returns at once. Without this the thread spun a CPU for the rest of the run; capture goes on.
                    return;
                }
                var key = Console.ReadKey(intercept: true);
                if (_controls.OnKey(key.KeyChar))
                {
                    _redraw();
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // stdin went away: no more keys, the view goes on.
        }
    }

    /// <summary>Stops polling; waits briefly (a key being applied redraws once more), never for a blocked read.</summary>
    public void Dispose()
    {
        _loop.Stop(TimeSpan.FromMilliseconds(200));
        _loop.Dispose();
    }
}
