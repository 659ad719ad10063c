namespace N3ttrace.Trail;

/// <summary>Earliest and latest record timestamp seen, compared as bytes (ISO-8601 sorts as text) without allocating per row.</summary>
internal sealed class TsSpan
{
    private byte[]? _first;
    private byte[]? _last;

    public string? First => _first is null ? null : System.Text.Encoding.ASCII.GetString(_first);
    public string? Last => _last is null ? null : System.Text.Encoding.ASCII.GetString(_last);

    public void Track(ReadOnlySpan<byte> ts)
    {
        if (ts.IsEmpty)
        {
            return;
        }
        if (_first is null || ts.SequenceCompareTo(_first) < 0)
        {
            _first = ts.ToArray();
        }
        if (_last is null || ts.SequenceCompareTo(_last) > 0)
        {
            _last = ts.ToArray();
        }
    }
}
