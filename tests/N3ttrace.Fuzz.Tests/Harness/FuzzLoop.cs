using FsCheck;
using FsCheck.Fluent;

namespace N3ttrace.Fuzz.Tests.Harness;

/// <summary>
/// The in-process fuzz loop: FsCheck plans (<see cref="Mutator.Plan"/>) drawn from a seeded generator, applied to the
/// committed corpus and the generated seeds, each run under a watchdog. A crash (an exception other than
/// <see cref="FuzzFinding"/>'s properties allow, or a hang) is saved into FuzzCorpus/&lt;target&gt;/ at once.
/// </summary>
public static class FuzzLoop
{
    private const int MaxCrashes = 20;

    public static FuzzResult Run(IFuzzTarget target, FuzzBudget budget)
    {
        var seeds = FuzzCorpus.Files(target.Name).Select(File.ReadAllBytes).Concat(target.GeneratedSeeds()).ToList();
        if (seeds.Count == 0)
        {
            throw new InvalidOperationException($"{target.Name}: no seeds");
        }
        var plans = Mutator.Plan(seeds.Count);
        ulong batch = 0;
        var crashes = new List<string>();
        var signatures = new HashSet<string>(StringComparer.Ordinal);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long execs = 0;
        while (execs < budget.Execs && (budget.Time is not { } t || clock.Elapsed < t) && crashes.Count < MaxCrashes)
        {
            // One FsCheck generator state per batch of 64 plans, derived from the run's seed: a run replays exactly.
            var batchRnd = new Rnd(budget.Seed * 0x9E3779B97F4A7C15UL + batch++);
            foreach (var (seed, donor, steps) in plans.Sample(64, batchRnd, 64))
            {
                var input = target.Mutate(seeds[seed], steps, seeds[donor]);
                execs++;
                if (RunOne(target, input, budget.ExecTimeout) is { } failure)
                {
                    // One file per distinct failure (exception type and first product frame), as a crash corpus should be.
                    if (signatures.Add(Signature(failure)))
                    {
                        crashes.Add($"{FuzzCorpus.SaveCrash(target.Name, input)}: {failure.GetType().Name}: {failure.Message}");
                    }
                    if (failure is FuzzFinding { Message: var m } && m.StartsWith("hang", StringComparison.Ordinal))
                    {
                        // The hung thread still runs: stop here rather than pile up more of them.
                        return new FuzzResult(target.Name, execs, clock.Elapsed, seeds.Count, crashes, budget.Seed);
                    }
                }
                if (execs >= budget.Execs || budget.Time is { } limit && clock.Elapsed >= limit || crashes.Count >= MaxCrashes)
                {
                    break;
                }
            }
        }
        return new FuzzResult(target.Name, execs, clock.Elapsed, seeds.Count, crashes, budget.Seed);
    }

    /// <summary>Runs one input; the exception it ended with, or null. A run past the timeout is a hang.</summary>
    public static Exception? RunOne(IFuzzTarget target, byte[] input, TimeSpan timeout)
    {
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                target.Execute(input);
            }
            catch (Exception e)
            {
                error = e;
            }
        }, 16 << 20) { IsBackground = true, Name = "fuzz " + target.Name };
        thread.Start();
        if (!thread.Join(timeout))
        {
            return new FuzzFinding($"hang: no answer within {timeout.TotalSeconds:0}s");
        }
        return error;
    }

    private static string Signature(Exception e)
    {
        var frame = e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains(" N3ttrace.", StringComparison.Ordinal) && !l.Contains(".Fuzz.", StringComparison.Ordinal))?.Trim() ?? "";
        return e is FuzzFinding ? e.Message.Split(':')[0] + frame : e.GetType().FullName + frame;
    }
}
