using System.Diagnostics;
using N3ttrace.Threading;

namespace N3ttrace.Core.Tests.Threading;

/// <summary>The one shape of a long-running loop: its own named thread, one stop path that cancels and waits.</summary>
public class BackgroundLoopTests
{
    [Fact]
    public void Stop_wakes_a_body_waiting_out_its_interval_and_waits_for_it_to_return()
    {
        string? threadName = null;
        var rounds = 0;
        var returned = false;
        using var loop = new BackgroundLoop("test-loop", stopping =>
        {
            threadName = Thread.CurrentThread.Name;
            while (!stopping.WaitHandle.WaitOne(TimeSpan.FromMinutes(10)))
            {
                rounds++;
            }
            Thread.Sleep(50); // work after the stop request is waited for
            returned = true;
        });
        loop.Start();
        Thread.Sleep(50);
        var sw = Stopwatch.StartNew();
        Assert.True(loop.Stop(TimeSpan.FromSeconds(30)));
        Assert.True(returned);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"stop took {sw.Elapsed}");
        Assert.Equal("test-loop", threadName);
        Assert.Equal(0, rounds);
        Assert.True(loop.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Stop_gives_up_after_its_timeout_on_a_body_that_does_not_return()
    {
        using var release = new ManualResetEventSlim();
        using var loop = new BackgroundLoop("stuck", _ => release.Wait());
        loop.Start();
        Assert.False(loop.Stop(TimeSpan.FromMilliseconds(100)));
        release.Set();
        await loop.Completion.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_loop_stopped_before_it_started_is_complete_and_never_runs()
    {
        var ran = false;
        using var loop = new BackgroundLoop("never", _ => ran = true);
        await loop.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(ran);
    }

    [Fact]
    public async Task Start_twice_runs_the_body_once_and_StopAsync_completes_when_it_returns()
    {
        var runs = 0;
        using var loop = new BackgroundLoop("twice", stopping =>
        {
            Interlocked.Increment(ref runs);
            stopping.WaitHandle.WaitOne();
        });
        loop.Start();
        loop.Start();
        await loop.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, runs);
    }
}
