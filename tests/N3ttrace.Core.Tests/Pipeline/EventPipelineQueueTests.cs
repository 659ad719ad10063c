using Microsoft.Extensions.Logging.Abstractions;
using N3ttrace.Events;
using N3ttrace.Lineage;
using N3ttrace.Pipeline;
using N3ttrace.Privacy;
using N3ttrace.ProcFs;
using N3ttrace.Time;

namespace N3ttrace.Core.Tests.Pipeline;

public class EventPipelineQueueTests
{
    private static EventPipeline NewPipeline() => new("test", new ProcessTable(new ProcessIdentity("boot"), new ProcessReader()),
        new EndpointPrivacy(new byte[32]), new BootClock(), [], new NoVerdicts(), NullLogger.Instance);

    [Fact]
    public async Task Posts_before_the_loop_starts_never_wait_and_none_are_lost_past_capacity()
    {
        var pipeline = NewPipeline();
        var early = EventPipeline.QueueCapacity * 2;
        // Sockets found open at start are posted before the loop runs: more than the capacity must not block.
        var before = Task.Run(() =>
        {
            for (var i = 0; i < early; i++)
            {
                pipeline.Post(new SourceCounters(i, i, 0, 0));
            }
        });
        Assert.Same(before, await Task.WhenAny(before, Task.Delay(TimeSpan.FromSeconds(30))));

        var run = Task.Run(() => pipeline.RunAsync());
        while (pipeline.Queued > 0)
        {
            await Task.Delay(10);
        }
        var maxQueued = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(() =>
        {
            while (!sampling.IsCancellationRequested)
            {
                maxQueued = Math.Max(maxQueued, pipeline.Queued);
            }
        });
        // Two sources posting far more than the capacity, far faster than the loop handles them (each
        // fork names an unknown parent, which costs a failed /proc read): held back, never dropped.
        var late = EventPipeline.QueueCapacity * 2;
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < late; i++)
            {
                pipeline.Post(new ProcessForked(i, new ProcessKey(int.MaxValue - 7, 1), new ProcessKey(10_000_000 + w * late + i, 1), "t"));
            }
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(120));
        sampling.Cancel();
        await sampler;
        Assert.InRange(maxQueued, EventPipeline.QueueCapacity / 2, EventPipeline.QueueCapacity + writers.Length);
        pipeline.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(early + 2L * late, pipeline.Stats.Events);
    }
}
