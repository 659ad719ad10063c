using N3ttrace.Bench.Trail;
using N3ttrace.Trail;
using N3ttrace.Trail.Export;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>
/// [retention] A state directory written by the release before process certificates (format 1, committed under
/// Fixtures/format1 as that release's trail-bench wrote it) is read as it is, verifies, and is appended to in its own format.
/// </summary>
public class Format1MigrationTests
{
    private const int FixtureConnections = 65;

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "N3ttrace.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        }
        return dir;
    }

    /// <summary>A private copy of the fixture (0700 directory, 0600 files, as a state directory is).</summary>
    private static (string Root, StateDirectory Dir, VerifyKey Key) Copy()
    {
        var src = Path.Combine(RepoRoot(), "tests", "N3ttrace.Trail.Tests", "Trail", "Fixtures", "format1");
        var root = Directory.CreateTempSubdirectory("n3t-format1-").FullName;
        var state = Path.Combine(root, "state");
        Directory.CreateDirectory(state, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var f in new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile, CheckpointColumns.FileName, SealingKey.FileName })
        {
            File.Copy(Path.Combine(src, f), Path.Combine(state, f));
            File.SetUnixFileMode(Path.Combine(state, f), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        Assert.True(VerifyKey.TryParse(File.ReadAllText(Path.Combine(src, "verify_key.txt")).Trim(), out var key));
        return (root, StateDirectory.Open(state, create: false), key!);
    }

    [Fact]
    public void A_format_1_trail_is_read_and_verified_as_it_is()
    {
        var (root, dir, key) = Copy();
        try
        {
            Assert.Contains(ChainColumns.Prev, File.ReadLines(dir.FilePath(StateDirectory.BirthRecordsFile)).First());
            var r = TrailVerifier.Verify(dir.Path, key);
            Assert.True(r.Intact, string.Join("\n", r.Damages));
            Assert.True(r.EndsWithStop);

            var rows = BirthRecordQuery.Run(dir.FilePath(StateDirectory.BirthRecordsFile), dir.FilePath(StateDirectory.TimelineFile), new QueryFilter());
            Assert.Equal(FixtureConnections, rows.Count);
            var cols = BirthRecordQuery.Columns.ToList();
            Assert.All(rows, x => Assert.StartsWith("worker", x[cols.IndexOf("cmdline")], StringComparison.Ordinal));
            // Format 1 recorded no byte counts: the columns are there, empty.
            Assert.All(rows, x => Assert.Equal("", x[cols.IndexOf("bytes_sent")]));

            var window = TrailWindow.Read(dir, new TimeWindow(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            Assert.Equal(0, window.EventsWithoutBirth);
            Assert.Equal(FixtureConnections, window.Births.Count);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_format_1_trail_is_appended_to_in_its_own_format_and_still_verifies()
    {
        var (root, dir, key) = Copy();
        try
        {
            var headers = TrailFixture.Files.ToDictionary(f => f, f => File.ReadLines(dir.FilePath(f)).First());
            var now = DateTime.UtcNow;
            var w = new TrailWorkload(new DateTime(now.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc), 9) { TargetActive = 10 };
            using (var sink = new TrailSink(dir, new TrailOptions { UtcNow = w.Clock, EpochLength = TimeSpan.FromSeconds(900) }))
            {
                Assert.True(sink.Legacy);
                Assert.Null(sink.NewVerifyKey); // the release's seal key goes on
                w.Run(sink, 200, TimeSpan.FromMilliseconds(100));
            }
            foreach (var (f, h) in headers)
            {
                Assert.Equal(h, File.ReadLines(dir.FilePath(f)).First());
            }
            Assert.False(dir.FileExists(ProcessCertificateColumns.FileName));
            var r = TrailVerifier.Verify(dir.Path, key);
            Assert.True(r.Intact, string.Join("\n", r.Damages));
            var rows = BirthRecordQuery.Run(dir.FilePath(StateDirectory.BirthRecordsFile), dir.FilePath(StateDirectory.TimelineFile), new QueryFilter());
            Assert.Equal(FixtureConnections + w.Lives.Count, rows.Count);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
