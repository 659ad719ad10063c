using System.Diagnostics;
using N3ttrace.Trail;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>[integrity] Every reader of a state directory (verify, query, at) refuses a symlink and a file another user owns.</summary>
public class ReaderRefusalTests
{
    private static void Chown(string path, string owner)
    {
        using var p = Process.Start("chown", ["-h", owner, path])!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    public static TheoryData<string> Files => [StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile, CheckpointColumns.FileName];

    private static void AllReadersRefuse(TrailFixture t, string expected)
    {
        var e = Assert.Throws<StateDirectoryException>(() => TrailVerifier.Verify(t.Dir.Path, t.Key));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void A_symlinked_trail_file_is_refused(string name)
    {
        using var t = new TrailFixture(events: 300);
        var path = t.File(name);
        var elsewhere = Path.Combine(t.Path, "elsewhere.tsv");
        File.Move(path, elsewhere);
        File.CreateSymbolicLink(path, elsewhere);
        AllReadersRefuse(t, "symbolic link");
        if (name == StateDirectory.TimelineFile)
        {
            Assert.Throws<StateDirectoryException>(() => TimeMachine.At(path, DateTime.UtcNow));
        }
        if (name == StateDirectory.BirthRecordsFile)
        {
            Assert.Throws<StateDirectoryException>(() => BirthRecordQuery.Run(path, t.File(StateDirectory.TimelineFile), new QueryFilter()));
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void A_trail_file_owned_by_another_user_is_refused(string name)
    {
        using var t = new TrailFixture(events: 300);
        Chown(t.File(name), "65534");
        AllReadersRefuse(t, "owned by uid 65534");
    }
}
