namespace N3ttrace.Fuzz.Tests.Harness;

public sealed record FuzzResult(string Target, long Execs, TimeSpan Elapsed, int Seeds, IReadOnlyList<string> Crashes, ulong Seed)
{
    public override string ToString() =>
        $"{Target}: {Execs} execs in {Elapsed.TotalSeconds:0}s ({Execs / Math.Max(Elapsed.TotalSeconds, 0.001):0}/s), {Seeds} seeds, {Crashes.Count} crash(es), seed {Seed}";
}
