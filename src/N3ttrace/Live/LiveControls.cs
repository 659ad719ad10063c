namespace N3ttrace.Cli.Live;

/// <summary>What the keys change, shared between the key reader and the pipeline thread.</summary>
public sealed class LiveControls
{
    private volatile int _sort;
    private volatile bool _paused;
    private volatile bool _help;
    private volatile int _minLevel;

    public SortMode Sort => (SortMode)_sort;
    public bool Paused => _paused;
    public bool ShowHelp => _help;

    /// <summary>The level filter the l key cycles: NORMAL (everything), ANOMALY and up, THREAT only.</summary>
    public Connections.RiskLevel MinLevel => (Connections.RiskLevel)_minLevel;

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
            case '?':
            case 'h':
                _help = !_help;
                return true;
            case 'l':
                _minLevel = (_minLevel + 1) % 3;
                return true;
            default:
                return false;
        }
    }
}
