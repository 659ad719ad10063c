using N3ttrace.Trail.Export;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Core.Tests.Export;

public class TimeWindowTests
{
    private static readonly DateTime Now = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Window_contains_since_but_not_until()
    {
        var w = new TimeWindow(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        Assert.True(w.Contains("2026-01-01T00:00:00.000000Z"));
        Assert.True(w.Contains("2026-01-01T23:59:59.999999Z"));
        Assert.False(w.Contains("2026-01-02T00:00:00.000000Z"));
        Assert.False(w.Contains("2025-12-31T23:59:59.999999Z"));
        Assert.False(w.Contains("garbage"));
    }

    [Theory]
    [InlineData("now", "2026-11-28T12:00:00")]
    [InlineData("-2h", "2026-11-28T10:00:00")]
    [InlineData("2026-11-28T03:30:00+02:00", "2026-11-28T01:30:00")]
    public void Export_windows_take_the_times_at_takes(string text, string expected)
    {
        Assert.True(TimeExpression.TryParse(text, Now, out var utc));
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), utc);
    }
}
