using System.Text;

namespace N3ttrace.Trail;

/// <summary>
/// Appends TSV rows to one file of the state directory: header first when the file is new,
/// rows buffered and flushed by the pipeline at least every tick. Rows are only ever appended.
/// </summary>
public sealed class RecordWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly StreamWriter _writer;

    public string Name { get; }
    public long Rows { get; private set; }

    public RecordWriter(StateDirectory dir, string name, IReadOnlyList<string> columns)
    {
        Name = name;
        _stream = dir.OpenAppend(name);
        _writer = new StreamWriter(_stream, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        if (_stream.Length == 0)
        {
            _writer.WriteLine(string.Join('\t', columns));
        }
        else
        {
            using var r = new StreamReader(dir.OpenRead(name));
            var header = r.ReadLine();
            if (header != string.Join('\t', columns))
            {
                throw new StateDirectoryException($"{dir.FilePath(name)} has a different header than this version writes; move it aside or use another --state-dir");
            }
        }
    }

    public void Append(IEnumerable<string> fields)
    {
        _writer.WriteLine(TsvRow.Format(fields));
        Rows++;
    }

    public void Flush(bool toDisk = false)
    {
        _writer.Flush();
        if (toDisk)
        {
            _stream.Flush(flushToDisk: true);
        }
    }

    public void Dispose()
    {
        Flush(toDisk: true);
        _writer.Dispose();
    }
}
