using System.Globalization;

namespace N3ttrace.Fuzz.Tests.Harness;

/// <summary>
/// How long a fuzz run lasts. `make fuzz` sets FUZZ_SECONDS (time per target, random seed, or FUZZ_SEED);
/// without it (`make test`) each target runs a fixed, seeded number of inputs, the same every time.
/// </summary>
public sealed record FuzzBudget(TimeSpan? Time, int Execs, ulong Seed, TimeSpan ExecTimeout)
{
    public const int SmokeExecs = 150;

    public static FuzzBudget FromEnvironment()
    {
        var timeout = TimeSpan.FromSeconds(Number("FUZZ_TIMEOUT_SECONDS") ?? 20);
        var seed = (ulong?)Number("FUZZ_SEED");
        return Number("FUZZ_SECONDS") is { } s
            ? new FuzzBudget(TimeSpan.FromSeconds(s), int.MaxValue, seed ?? (ulong)Environment.TickCount64, timeout)
            : new FuzzBudget(null, (int?)Number("FUZZ_EXECS") ?? SmokeExecs, seed ?? 1, timeout);
    }

    private static long? Number(string name) =>
        long.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
}
