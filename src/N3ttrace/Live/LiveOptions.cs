namespace N3ttrace.Cli.Live;

/// <summary>How the live view draws and logs.</summary>
/// <param name="Refresh">Time between frames.</param>
/// <param name="Top">Rows in the table.</param>
/// <param name="Tui">Draw on the terminal with cursor control (stdout is a TTY and no --no-tui).</param>
/// <param name="Batch">Print plain frames to stdout (stdout is not a TTY and no --no-tui).</param>
/// <param name="LogFile">Rolling ANSI-free copy of every frame; empty for none.</param>
/// <param name="Recent">Lines of the recent ANOMALY/THREAT pane; 0 for none.</param>
/// <param name="Filter">What the table and the pane show (the l key raises the level further).</param>
public sealed record LiveOptions(TimeSpan Refresh, int Top, bool Tui, bool Batch, string LogFile, long LogMaxBytes, int LogKeep,
    int Recent = 8, LiveFilter? Filter = null)
{
    public LiveFilter Filter { get; init; } = Filter ?? LiveFilter.All;

    public const int LogWidth = 200;
    public const int BatchWidth = 200;
}
