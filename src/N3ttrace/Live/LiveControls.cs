namespace N3ttrace.Cli.Live;

/// <summary>What the keys change, shared between the key reader and the pipeline thread.</summary>
public sealed class LiveControls
{
    private volatile int _sort;
    private volatile bool _paused;

    public SortMode Sort => (SortMode)_sort;
    public bool Paused => _paused;

    /// <summary>Raised (on the key reader thread) when the operator presses q.</summary>
    public event Action? QuitRequested;

    public void CycleSort() => _sort = (_sort + 1) % (Enum.GetValues<SortMode>().Length);

    public void TogglePause() => _paused = !_paused;

    public void RequestQuit() => QuitRequested?.Invoke();

    /// <summary>Applies one key press; returns true when it changed what is shown.</summary>
    public bool OnKey(char key)
    {
        switch (char.ToLowerInvariant(key))
        {
            case 'q':
                RequestQuit();
                return false;
            case 's':
                CycleSort();
                return true;
            case 'p':
                TogglePause();
                return true;
            default:
                return false;
        }
    }
}
