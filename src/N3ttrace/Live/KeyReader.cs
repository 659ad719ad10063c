namespace N3ttrace.Cli.Live;

/// <summary>Reads single key presses from the terminal (no Enter needed) and applies them to the controls.</summary>
public sealed class KeyReader : IDisposable
{
    private readonly LiveControls _controls;
    private readonly Action _redraw;
    private readonly Thread _thread;
    private volatile bool _stop;

    public KeyReader(LiveControls controls, Action redraw)
    {
        _controls = controls;
        _redraw = redraw;
        _thread = new Thread(Loop) { IsBackground = true, Name = "live-keys" };
        _thread.Start();
    }

    private void Loop()
    {
        try
        {
            while (!_stop)
            {
                // Polling lets the thread end on Dispose; ReadKey alone would block until a key.
                if (!Console.KeyAvailable)
                {
                    Thread.Sleep(50);
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

    public void Dispose() => _stop = true;
}
