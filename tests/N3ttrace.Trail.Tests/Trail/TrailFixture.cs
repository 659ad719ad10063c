using N3ttrace.Bench.Trail;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>A trail written by the real TrailSink from a seeded workload on a simulated clock, in a temp dir.</summary>
internal sealed class TrailFixture : IDisposable
{
    public string Path { get; }
    public StateDirectory Dir { get; }
    public VerifyKey Key { get; }
    public TrailWorkload Workload { get; }
    public TrailOptions Options { get; }

    public TrailFixture(long events = 2000, int seed = 1, TimeSpan? step = null, TimeSpan? epoch = null, int keyframeEveryRows = 300, bool stop = true, bool format1 = false, bool format2 = false, long segmentBytes = TrailOptions.DefaultSegmentBytes, bool compressSegments = false)
    {
        Path = Directory.CreateTempSubdirectory("n3t-trail-").FullName;
        Dir = StateDirectory.Open(System.IO.Path.Combine(Path, "state"), create: true);
        Workload = new TrailWorkload(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), seed) { TargetActive = 40 };
        Options = new TrailOptions
        {
            EpochLength = epoch ?? TimeSpan.FromSeconds(60),
            UtcNow = Workload.Clock,
            KeyframeEveryRows = keyframeEveryRows,
            WriteFormat1 = format1,
            WriteFormat2 = format2,
            SegmentBytes = segmentBytes,
            CompressSegments = compressSegments,
        };
        var sink = new TrailSink(Dir, Options);
        Key = sink.NewVerifyKey ?? throw new InvalidOperationException("first start must create a verification key");
        Workload.Run(sink, events, step ?? TimeSpan.FromMilliseconds(50));
        if (stop)
        {
            sink.Dispose();
        }
        else
        {
            sink.Flush(); // as a crash right after the writers caught up leaves the files
            Abandoned = sink;
        }
    }

    /// <summary>A sink left running (not stopped), as a crash leaves it.</summary>
    public TrailSink? Abandoned { get; }

    public string File(string name) => Dir.FilePath(name);

    public static readonly string[] Files = [StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile, CheckpointColumns.FileName];

    public VerifyReport Verify(bool withKey = true) => TrailVerifier.Verify(Dir.Path, withKey ? Key : null);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
