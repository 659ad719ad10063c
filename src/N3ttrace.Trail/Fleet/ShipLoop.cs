using Microsoft.Extensions.Logging;
using N3ttrace.Threading;

namespace N3ttrace.Trail.Fleet;

/// <summary>
/// `run --ship`: a thread of its own that ships the trail while it is written. It only reads the trail files, so a
/// slow or absent ClickHouse never holds up capture: the trail is the spool and the cursor says what is delivered.
/// Passes repeat every <paramref name="interval"/>; after a failure, with exponential backoff (jittered, at most 10 s).
/// </summary>
public sealed class ShipLoop : IDisposable
{
    private readonly TrailShipper _shipper;
    private readonly ILogger _log;
    private readonly TimeSpan _interval;
    private readonly BackgroundLoop _loop;
    private volatile bool _final;

    public ShipLoop(TrailShipper shipper, ILogger log, TimeSpan interval)
    {
        _shipper = shipper;
        _log = log;
        _interval = interval;
        _loop = new BackgroundLoop("n3ttrace-ship", Run);
        _loop.Start();
    }

    public ShipStats Stats => _shipper.Stats;

    private void Run(CancellationToken stopping)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        var down = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                _shipper.ShipOnce(stopping);
                if (down)
                {
                    _log.LogInformation("ship: delivering again");
                }
                down = false;
                backoff = TimeSpan.FromMilliseconds(250);
                stopping.WaitHandle.WaitOne(_interval);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e) when (e is ClickHouseException or IOException or StateDirectoryException or InvalidDataException)
            {
                if (!down)
                {
                    _log.LogWarning("ship: {Error}; rows stay in the trail and go when it answers (retrying with backoff)", e.Message);
                }
                down = true;
                stopping.WaitHandle.WaitOne(backoff * (0.5 + Random.Shared.NextDouble() / 2));
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    /// <summary>Stops the loop, then makes one last pass with at most <paramref name="drain"/> to deliver what the run
    /// wrote last; what is left stays pending in the trail for the next run or `n3ttrace ship`.</summary>
    public ShipStats Stop(TimeSpan drain)
    {
        if (!_final)
        {
            _final = true;
            _loop.Stop();
            using var deadline = new CancellationTokenSource(drain);
            try
            {
                _shipper.ShipOnce(deadline.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ClickHouseException or IOException or StateDirectoryException or InvalidDataException)
            {
                _log.LogWarning("ship: last pass stopped: {Error}", e.Message);
            }
        }
        return _shipper.Stats;
    }

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(5));
        _loop.Dispose();
    }
}
