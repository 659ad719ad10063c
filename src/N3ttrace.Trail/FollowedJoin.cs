namespace N3ttrace.Trail;

/// <summary>
/// <see cref="RowJoin"/> for lines followed as they are written (`tail`): the dictionaries are read again
/// whenever processes.tsv or reasons.tsv grew, before the lines that may need their new rows are joined.
/// Format-1 lines pass through as they are.
/// </summary>
public sealed class FollowedJoin(StateDirectory dir, Dictionary<string, int> birthHeader, Dictionary<string, int> timelineHeader)
{
    private long _certificatesLength = -1, _reasonsLength = -1;
    private RowJoin? _birth, _timeline;

    /// <summary>Re-reads the dictionaries if they grew since the last call.</summary>
    public void Refresh()
    {
        if (!RowJoin.Needed(birthHeader) && !RowJoin.Needed(timelineHeader))
        {
            return;
        }
        var c = Length(ProcessCertificateColumns.FileName);
        var r = Length(ReasonColumns.FileName);
        if (c == _certificatesLength && r == _reasonsLength)
        {
            return;
        }
        (_certificatesLength, _reasonsLength) = (c, r);
        var d = Dictionary = TrailDictionary.Load(dir.Path);
        _birth = RowJoin.For(birthHeader, d);
        _timeline = RowJoin.For(timelineHeader, d);
    }

    /// <summary>The certificates and reasons as last read.</summary>
    public TrailDictionary Dictionary { get; private set; } = TrailDictionary.Empty;

    public TrailRow Birth(string line) => Row(_birth, birthHeader, line);

    public TrailRow Timeline(string line) => Row(_timeline, timelineHeader, line);

    private static TrailRow Row(RowJoin? join, Dictionary<string, int> header, string line)
    {
        var fields = line.Split('\t');
        if (join is null || fields.Length != header.Count)
        {
            return new TrailRow(header, fields, line);
        }
        var joined = join.Fields(fields);
        return new TrailRow(join.Header, joined, string.Join('\t', joined));
    }

    private long Length(string name) => dir.FileExists(name) ? new FileInfo(dir.FilePath(name)).Length : 0;
}
