using System.Globalization;
using N3ttrace.Fuzz.Tests.Harness;
using Xunit.Abstractions;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace N3ttrace.Fuzz.Tests;

/// <summary>
/// `make test`: every committed corpus file (seeds and the crashes found so far) replays without a crash, and each
/// target runs a fixed, seeded batch of mutations. `make fuzz` (Category=Fuzz, FUZZ_SECONDS per target): the same
/// loop for as long as asked, with a new seed; crashing inputs are written into FuzzCorpus/&lt;target&gt;/.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    public static TheoryData<string> Targets => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_committed_corpus_input_replays_without_a_crash(string name)
    {
        var target = FuzzTargets.Create(name);
        try
        {
            var inputs = FuzzCorpus.Files(name).Select(f => (f, File.ReadAllBytes(f)))
                .Concat(target.GeneratedSeeds().Select((b, i) => ($"generated seed {i}", b))).ToList();
            Assert.NotEmpty(inputs);
            var failures = inputs
                .Select(x => (x.Item1, Error: FuzzLoop.RunOne(target, x.Item2, TimeSpan.FromSeconds(20))))
                .Where(x => x.Error is not null)
                .Select(x => $"{x.Item1}: {x.Error}")
                .ToList();
            output.WriteLine($"{name}: {inputs.Count} inputs replayed");
            Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }

    [Theory]
    [Trait("Category", "Fuzz")]
    [MemberData(nameof(Targets))]
    public void Mutated_inputs_break_no_property(string name)
    {
        var target = FuzzTargets.Create(name);
        try
        {
            var result = FuzzLoop.Run(target, FuzzBudget.FromEnvironment());
            output.WriteLine(result.ToString());
            if (Environment.GetEnvironmentVariable("FUZZ_STATS") is { Length: > 0 } stats)
            {
                File.AppendAllText(stats, string.Create(CultureInfo.InvariantCulture,
                    $"{name}\t{result.Execs}\t{result.Elapsed.TotalSeconds:0}\t{result.Crashes.Count}\t{result.Seed}\n"));
            }
            Assert.True(result.Crashes.Count == 0, $"{result}\n{string.Join("\n", result.Crashes)}");
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }
}
