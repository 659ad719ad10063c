using Microsoft.Extensions.Logging.Abstractions;
using N3ttrace.Core.Tests.Lineage;
using N3ttrace.Events;
using N3ttrace.Lineage;
using N3ttrace.Pipeline;
using N3ttrace.Privacy;
using N3ttrace.Time;

namespace N3ttrace.Core.Tests.Pipeline;

public class EventPipelineQueueTests
{
    private static EventPipeline NewPipeline(params PipelineSink[] sinks) => new("test", new ProcessTable(new ProcessIdentity("boot"), new NoProcesses()),
        new EndpointPrivacy(new byte[32]), new BootClock(), sinks, new NoVerdicts(), NullLogger.Instance);

    /// <summary>Holds the pipeline loop inside OnBirth until released: a stand-in for a slow disk.</summary>
    private sealed class GateSink : PipelineSink
    {
        public ManualResetEventSlim Gate { get; } = new(false);
        public ManualResetEventSlim Entered { get; } = new(false);

        public override void OnBirth(Connections.Connection c)
        {
            Entered.Set();
            Gate.Wait();
        }
    }

    private static ConnectionOpened Birth(ulong key) => new(1, key,
        new SocketEndpoints(System.Net.IPAddress.Loopback, 40000, System.Net.IPAddress.Loopback, 80), null, 1, false, 0);

    [Fact]
    public async Task Posts_before_the_loop_starts_never_wait_and_none_are_lost_past_capacity()
    {
        var gate = new GateSink();
        var pipeline = NewPipeline(gate);
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
        // The loop is now stuck in a sink (a slow disk). Two sources post twice the capacity:
        // they are held back at the capacity, and nothing is dropped once the sink moves again.
        pipeline.Post(Birth(1));
        Assert.True(gate.Entered.Wait(TimeSpan.FromSeconds(30)));
        var late = EventPipeline.QueueCapacity;
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < late; i++)
            {
                pipeline.Post(Birth((ulong)(2 + w * late + i)));
            }
        })).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (pipeline.Queued < EventPipeline.QueueCapacity && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        await Task.Delay(200);
        Assert.InRange(pipeline.Queued, EventPipeline.QueueCapacity, EventPipeline.QueueCapacity + writers.Length);
        Assert.False(writers.All(w => w.IsCompleted), "writers should be held back while the queue is full");
        gate.Gate.Set();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(120));
        pipeline.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1 + 2L * late, pipeline.Stats.Births);
        Assert.Equal(early + 1 + 2L * late, pipeline.Stats.Events);
    }
}
