using System.Text;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>The one trail reader: the writer's header, data rows vs chain events, torn and malformed lines.</summary>
public sealed class TrailReaderTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("n3t-reader-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact]
    public void The_writer_writes_the_header_the_schema_defines_and_the_reader_reads_it_back()
    {
        var dir = StateDirectory.Open(Path.Combine(_tmp, "s"), create: true);
        var file = TrailSchema.Baseline;
        using (var w = new RecordWriter(dir, file.Name, file.DataColumns))
        {
            w.Append(["2026-03-01T12:00:00.000000Z", "/usr/bin/a\tb", "h1"]);
            w.Append(["2026-03-01T12:00:01.000000Z", "/usr/bin/c", "h2"]);
        }
        using var stream = dir.OpenRead(file.Name);
        var reader = new TrailReader();
        var rows = reader.Read(stream).ToList();
        Assert.Equal(file.HeaderLine, reader.HeaderLine);
        var data = rows.Where(TrailSchema.IsDataRow).ToList();
        Assert.Equal(["/usr/bin/a\\tb", "/usr/bin/c"], data.Select(r => r["exe"]));
    }

    [Fact]
    public void A_torn_last_line_is_not_read_and_a_short_row_is_counted()
    {
        var text = "ts\tconn_id\tchain_event\n1\ta\t\n2\tshort\n3\tc\t\n4\tbeing-writ";
        var reader = new TrailReader();
        var rows = reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text))).ToList();
        Assert.Equal(["a", "c"], rows.Select(r => r["conn_id"]));
        Assert.Equal(2, reader.Rows);
        Assert.Equal(1, reader.Malformed);
    }

    [Fact]
    public void The_data_row_test_on_fields_agrees_with_the_one_on_rows()
    {
        var file = TrailSchema.Timeline;
        var data = new string[file.Columns.Count];
        Array.Fill(data, "x");
        data[file.ChainEventIndex] = "";
        var chain = (string[])data.Clone();
        chain[file.ChainEventIndex] = ChainColumns.Start;
        var header = TsvRow.Header(file.HeaderLine);
        Assert.True(TrailSchema.IsDataRow(data, file.ChainEventIndex));
        Assert.True(TrailSchema.IsDataRow(new TrailRow(header, data, "")));
        Assert.False(TrailSchema.IsDataRow(chain, file.ChainEventIndex));
        Assert.False(TrailSchema.IsDataRow(new TrailRow(header, chain, "")));
    }
}
