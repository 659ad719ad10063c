using N3ttrace.Cli.Live;

namespace N3ttrace.Core.Tests.Live;

/// <summary>[fleet] With --ship, the live header shows the rows not yet in ClickHouse and the lag.</summary>
public class ShipHeaderTests
{
    [Fact]
    public void The_live_header_shows_ship_pending_rows_and_lag_only_when_shipping()
    {
        var f = FrameLayoutTests.Frame();
        var shipping = FrameLayout.Header(f with { Counters = new LiveCounters(0, 0, null, 1234, 2.46) }, paused: false).ElementAt(1);
        Assert.Contains("ship pending 1234 lag 2.5s", shipping, StringComparison.Ordinal);
        var local = FrameLayout.Header(f with { Counters = new LiveCounters(0, 0, null) }, paused: false).ElementAt(1);
        Assert.DoesNotContain("ship", local, StringComparison.Ordinal);
    }
}
