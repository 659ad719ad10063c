namespace N3ttrace.Cli.Live;

/// <summary>A table column: its header, width bounds, and how readily it is dropped on a narrow terminal (higher goes first).</summary>
public sealed record TableColumn(string Name, int MaxWidth, bool Right, int DropOrder, Func<LiveRow, string> Cell)
{
    /// <summary>The flexible column (PROC) takes what the others leave, at least this much.</summary>
    public const int FlexMin = 32;

    public bool Flexible => MaxWidth == 0;
}
