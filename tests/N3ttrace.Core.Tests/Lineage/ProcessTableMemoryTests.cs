using Xunit.Abstractions;

namespace N3ttrace.Core.Tests.Lineage;

/// <summary>
/// [lineage] bounded memory: at most 64 MB of managed heap for 100,000 processes seen, and
/// exited processes leave once their grace period is over. Measured on a real ProcessTable,
/// alone: other tests allocating in parallel would blur the heap figures.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public class ProcessTableMemoryTests(ITestOutputHelper output)
{
    private const long Budget = 64L * 1024 * 1024;

    [Fact]
    public void Hundred_thousand_live_processes_fit_in_64_MB()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var storm = new ProcessStorm();
        storm.Run(100_000, keepAlive: true);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var used = after - before;
        output.WriteLine($"lineage-memory live=100000 table={storm.Table.Count} heap_bytes={used} per_process={used / 100_000}");
        Assert.Equal(100_001, storm.Table.Count);
        Assert.True(used <= Budget, $"{used / 1048576.0:F1} MB for 100,000 live processes (budget 64 MB)");
        GC.KeepAlive(storm);
    }

    [Fact]
    public void Hundred_thousand_short_lived_processes_leave_the_table_after_the_grace_period()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var storm = new ProcessStorm();
        storm.Run(100_000, keepAlive: false);
        var peakCount = storm.Table.Count;
        var during = GC.GetTotalMemory(forceFullCollection: true) - before;
        storm.Advance(N3ttrace.Lineage.ProcessTable.ExitGrace + TimeSpan.FromSeconds(1));
        var after = GC.GetTotalMemory(forceFullCollection: true) - before;
        output.WriteLine($"lineage-memory short-lived=100000 in_grace={peakCount} heap_bytes_in_grace={during} heap_bytes_after_grace={after} table_after={storm.Table.Count}");
        // 1 ms apart, 30 s of grace: about 30,000 exited processes may still be named by late events.
        Assert.InRange(peakCount, 29_000, 31_500);
        Assert.Equal(1, storm.Table.Count); // only the shell is left
        Assert.True(during <= Budget, $"{during / 1048576.0:F1} MB during the storm");
        Assert.True(after <= 2 * 1024 * 1024, $"{after / 1048576.0:F1} MB left after every process exited");
        GC.KeepAlive(storm);
    }
}
