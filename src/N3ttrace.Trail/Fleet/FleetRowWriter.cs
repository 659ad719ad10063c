using System.Buffers;
using System.Globalization;
using System.Text;

namespace N3ttrace.Trail.Fleet;

/// <summary>
/// Writes one row of ClickHouse's TabSeparated format: fields separated by tabs, a newline at the end, backslash
/// escapes in text, \N for null, arrays as ['a','b']. The row goes straight into the batch's buffer, no string per row.
/// </summary>
public sealed class FleetRowWriter
{
    private static readonly byte[] Null = "\\N"u8.ToArray();
    private byte[] _scratch = new byte[1024];
    private Stream _out = Stream.Null;
    private bool _first;

    public void Begin(Stream output)
    {
        _out = output;
        _first = true;
    }

    public void End() => _out.WriteByte((byte)'\n');

    /// <summary>Text as stored: a backslash (the trail's own escape) is doubled so ClickHouse keeps it literally.</summary>
    public void Text(string value)
    {
        Separator();
        WriteEscaped(value, quote: false);
    }

    public void Number(long value)
    {
        Separator();
        Span<byte> b = stackalloc byte[24];
        value.TryFormat(b, out var n, default, CultureInfo.InvariantCulture);
        _out.Write(b[..n]);
    }

    public void Number(long? value)
    {
        if (value is { } v)
        {
            Number(v);
        }
        else
        {
            NullValue();
        }
    }

    public void Number(double value)
    {
        Separator();
        Span<byte> b = stackalloc byte[40];
        value.TryFormat(b, out var n, "R", CultureInfo.InvariantCulture);
        _out.Write(b[..n]);
    }

    public void NullValue()
    {
        Separator();
        _out.Write(Null);
    }

    /// <summary>Bytes that need no escaping (dates the writer formatted itself).</summary>
    public void Raw(ReadOnlySpan<byte> value)
    {
        Separator();
        _out.Write(value);
    }

    public void Array(IEnumerable<string> values)
    {
        Separator();
        _out.WriteByte((byte)'[');
        var first = true;
        foreach (var v in values)
        {
            if (!first)
            {
                _out.WriteByte((byte)',');
            }
            first = false;
            _out.WriteByte((byte)'\'');
            WriteEscaped(v, quote: true);
            _out.WriteByte((byte)'\'');
        }
        _out.WriteByte((byte)']');
    }

    private void Separator()
    {
        if (!_first)
        {
            _out.WriteByte((byte)'\t');
        }
        _first = false;
    }

    private void WriteEscaped(string value, bool quote)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_scratch.Length < max)
        {
            _scratch = new byte[Math.Max(max, _scratch.Length * 2)];
        }
        var n = Encoding.UTF8.GetBytes(value, _scratch);
        var span = _scratch.AsSpan(0, n);
        var special = quote ? SearchValuesQuoted : SearchValuesPlain;
        while (span.Length > 0)
        {
            var i = span.IndexOfAny(special);
            if (i < 0)
            {
                _out.Write(span);
                return;
            }
            _out.Write(span[..i]);
            _out.WriteByte((byte)'\\');
            _out.WriteByte(span[i] switch { (byte)'\t' => (byte)'t', (byte)'\n' => (byte)'n', (byte)'\r' => (byte)'r', var c => c });
            span = span[(i + 1)..];
        }
    }

    // A trail value never holds a raw tab or newline (contract 6); they are escaped anyway so a row can never split.
    private static readonly SearchValues<byte> SearchValuesPlain = SearchValues.Create("\\\t\n\r"u8);
    private static readonly SearchValues<byte> SearchValuesQuoted = SearchValues.Create("\\\t\n\r'"u8);
}
