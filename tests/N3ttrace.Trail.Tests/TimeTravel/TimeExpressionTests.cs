using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Core.Tests.TimeTravel;

public class TimeExpressionTests
{
    private static readonly DateTime Now = new(2026, 11, 27, 15, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("now", 0)]
    [InlineData("-2h", -7200)]
    [InlineData("-90s", -90)]
    [InlineData("- 30m", -1800)]
    [InlineData("30 minutes ago", -1800)]
    [InlineData("1 day ago", -86400)]
    [InlineData("2026-11-27T14:32:00Z", -1680)]
    [InlineData("2026-11-27T16:32:00+02:00", -1680)]
    [InlineData("2026-11-27T14:32:00.250000Z", -1679.75)]
    public void Parses_absolute_and_relative_instants(string text, double secondsFromNow)
    {
        Assert.True(TimeExpression.TryParse(text, Now, out var utc));
        Assert.Equal(Now.AddSeconds(secondsFromNow), utc);
        Assert.Equal(DateTimeKind.Utc, utc.Kind);
    }

    [Fact]
    public void Local_forms_mean_local_wall_clock()
    {
        var today = Now.ToLocalTime().Date;
        Assert.Equal(DateTime.SpecifyKind(today.AddDays(-1).AddHours(14).AddMinutes(32), DateTimeKind.Local).ToUniversalTime(),
            TimeExpression.Parse("yesterday 14:32", Now));
        Assert.Equal(DateTime.SpecifyKind(today.AddHours(9), DateTimeKind.Local).ToUniversalTime(), TimeExpression.Parse("today 09:00", Now));
        Assert.Equal(DateTime.SpecifyKind(new DateTime(2026, 11, 20, 8, 5, 7), DateTimeKind.Local).ToUniversalTime(),
            TimeExpression.Parse("2026-11-20 08:05:07", Now));
        Assert.Equal(DateTime.SpecifyKind(new DateTime(2026, 11, 20, 8, 5, 0), DateTimeKind.Local).ToUniversalTime(),
            TimeExpression.Parse("2026-11-20 08:05", Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("25:00")]
    [InlineData("-2 parsecs")]
    [InlineData("2026-13-01 10:00")]
    [InlineData("tomorrow 10:00")]
    public void Rejects_what_is_not_a_time(string text)
    {
        Assert.False(TimeExpression.TryParse(text, Now, out _));
        Assert.Throws<FormatException>(() => TimeExpression.Parse(text, Now));
    }
}
