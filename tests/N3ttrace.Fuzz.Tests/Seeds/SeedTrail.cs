using N3ttrace.Bench.Trail;
using N3ttrace.Trail;

namespace N3ttrace.Fuzz.Tests.Seeds;

/// <summary>A small real trail written by the real TrailSink (format 2, or format 1 as the release before process
/// certificates wrote it) from the seeded benchmark workload, in a private state directory.</summary>
public sealed class SeedTrail : IDisposable
{
    public string Root { get; }
    public StateDirectory Dir { get; }
    public VerifyKey Key { get; }
    public string FirstConnId { get; }

    public SeedTrail(bool format1, long events = 300, int seed = 7)
    {
        Root = Directory.CreateTempSubdirectory("n3t-fuzz-seed-").FullName;
        Dir = StateDirectory.Open(Path.Combine(Root, "state"), create: true);
        var workload = new TrailWorkload(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), seed) { TargetActive = 10, Processes = 6 };
        var sink = new TrailSink(Dir, new TrailOptions
        {
            EpochLength = TimeSpan.FromSeconds(5),
            UtcNow = workload.Clock,
            KeyframeEveryRows = 40,
            WriteFormat1 = format1,
        });
        Key = sink.NewVerifyKey ?? throw new InvalidOperationException("a first start makes a verification key");
        workload.Run(sink, events, TimeSpan.FromMilliseconds(100));
        sink.Dispose();
        FirstConnId = workload.Lives[0].ConnId;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
