using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>
/// [flows] A file an earlier release began in the current format, before a column was added (proto, netns,
/// container): read and verified as it is; appended to in its own columns when the missing one may be left out,
/// refused with a clear message when not (a UDP row in a file without proto would read as tcp).
/// </summary>
public sealed class EarlierHeaderTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("n3t-earlier-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private static readonly TrailFile Before = new("t.tsv", ["ts", "a"], Sealed: false, HeadOnly: true);

    private static TrailFile Now(bool appendable) => new("t.tsv", ["ts", "a", "b"], Sealed: false, HeadOnly: true, Earlier: [(["ts", "a"], appendable)]);

    private StateDirectory Written()
    {
        var dir = StateDirectory.Open(Path.Combine(_tmp, "s"), create: true);
        using var w = new RecordWriter(dir, Before);
        w.Append(["2026-12-03T10:00:00.000000Z", "one"]);
        w.Append(["2026-12-03T10:00:01.000000Z", "two"]);
        return dir;
    }

    private static VerifyReport Verify(StateDirectory dir, TrailFile file)
    {
        var report = new VerifyReport();
        new ChainScanner(file.Name, file.DataColumns, file.Sealed, report, new ChainSummary(file.Name), earlierHeaders: file.EarlierHeaderLines)
            .Scan(TrailReader.OpenShared(dir.FilePath(file.Name)), null);
        return report;
    }

    [Fact]
    public void A_file_begun_before_a_column_is_verified_and_appended_to_without_it()
    {
        var dir = Written();
        var now = Now(appendable: true);
        Assert.True(Verify(dir, now).Intact);
        using (var w = new RecordWriter(dir, now))
        {
            Assert.Equal(new[] { "b" }, w.LeftOut);
            w.Append(["2026-12-03T10:00:02.000000Z", "three", "left out"]);
        }
        var lines = File.ReadAllLines(dir.FilePath("t.tsv"));
        Assert.Equal(Before.HeaderLine, lines[0]);
        Assert.StartsWith("2026-12-03T10:00:02.000000Z\tthree\t", lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("left out", lines[^1], StringComparison.Ordinal);
        var report = Verify(dir, now);
        Assert.True(report.Intact, string.Join("; ", report.Damages.Select(d => d.ToString())));
        // Without the earlier header known, the same file is damage: the acceptance is what this test is about.
        Assert.False(Verify(dir, new TrailFile("t.tsv", ["ts", "a", "b"], Sealed: false, HeadOnly: true)).Intact);
    }

    [Fact]
    public void A_file_begun_before_a_column_that_cannot_be_left_out_is_read_but_not_appended_to()
    {
        var dir = Written();
        var now = Now(appendable: false);
        Assert.True(Verify(dir, now).Intact);
        var e = Assert.Throws<StateDirectoryException>(() => new RecordWriter(dir, now));
        Assert.Contains("earlier release (no b column)", e.Message, StringComparison.Ordinal);
        Assert.Contains("run cannot append", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, File.ReadAllLines(dir.FilePath("t.tsv")).Length); // untouched
    }

    [Fact]
    public void The_trail_knows_the_headers_of_format_3_before_proto_and_before_netns_and_container()
    {
        var births = TrailSchema.BirthRecords;
        var beforeProto = births.EarlierOf(string.Join('\t', ChainColumns.With(BirthRecordColumns.Format3Names.Where(n => n is not "proto" and not "netns").ToArray(), false, headOnly: true)));
        Assert.False(beforeProto!.Value.Appendable);
        var beforeNetns = births.EarlierOf(string.Join('\t', ChainColumns.With(BirthRecordColumns.Format3Names.Where(n => n is not "netns").ToArray(), false, headOnly: true)));
        Assert.True(beforeNetns!.Value.Appendable);
        Assert.Null(births.EarlierOf(births.HeaderLine));
        var processes = TrailSchema.Processes;
        var beforeContainer = processes.EarlierOf(string.Join('\t', ChainColumns.With(ProcessCertificateColumns.Names.Where(n => n != "container").ToArray(), false)));
        Assert.True(beforeContainer!.Value.Appendable);
    }
}
