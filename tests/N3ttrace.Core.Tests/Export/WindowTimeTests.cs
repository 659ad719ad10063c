using N3ttrace.Export;

namespace N3ttrace.Core.Tests.Export;

public class WindowTimeTests
{
    private static readonly DateTime Now = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("2026-11-28T01:30:00Z", "2026-11-28T01:30:00")]
    [InlineData("2026-11-28T01:30:00.250Z", "2026-11-28T01:30:00.25")]
    [InlineData("2026-11-28T03:30:00+02:00", "2026-11-28T01:30:00")]
    [InlineData("now", "2026-11-28T12:00:00")]
    [InlineData("-2h", "2026-11-28T10:00:00")]
    [InlineData("-30m", "2026-11-28T11:30:00")]
    [InlineData("-45s", "2026-11-28T11:59:15")]
    [InlineData("-1d", "2026-11-27T12:00:00")]
    public void Parses_absolute_and_relative_times_to_utc(string text, string expected)
    {
        Assert.True(WindowTime.TryParse(text, Now, out var utc, out var error), error);
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), utc);
        Assert.Equal(DateTimeKind.Utc, utc.Kind);
    }

    [Fact]
    public void Zoneless_date_and_time_is_local_wall_clock_time()
    {
        Assert.True(WindowTime.TryParse("2026-11-28 01:30", Now, out var utc, out _));
        Assert.Equal(new DateTime(2026, 11, 28, 1, 30, 0, DateTimeKind.Local).ToUniversalTime(), utc);
        Assert.True(WindowTime.TryParse("2026-11-28 01:30:15", Now, out utc, out _));
        Assert.Equal(new DateTime(2026, 11, 28, 1, 30, 15, DateTimeKind.Local).ToUniversalTime(), utc);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2h")]
    [InlineData("-2x")]
    [InlineData("2026-13-01 00:00")]
    [InlineData("")]
    public void Rejects_what_it_cannot_read_with_a_message_listing_the_forms(string text)
    {
        Assert.False(WindowTime.TryParse(text, Now, out _, out var error));
        Assert.Contains("ISO-8601", error, StringComparison.Ordinal);
    }

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
}
