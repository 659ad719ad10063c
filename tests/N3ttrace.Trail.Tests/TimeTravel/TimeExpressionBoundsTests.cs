using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Core.Tests.TimeTravel;

/// <summary>Times outside 1970..2199 are refused before any arithmetic can overflow.</summary>
public sealed class TimeExpressionBoundsTests
{
    private static readonly DateTime Now = new(2026, 12, 3, 6, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("-99999999999d")]
    [InlineData("-1000000000d")]
    [InlineData("99999999999999999999 weeks ago")]
    [InlineData("9999-12-31T23:59:59Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("1969-12-31T23:59:59Z")]
    public void Out_of_range_is_refused_with_a_clear_message(string text)
    {
        Assert.False(TimeExpression.TryParse(text, Now, out _));
        var e = Assert.Throws<FormatException>(() => TimeExpression.Parse(text, Now));
        Assert.Contains("out of range", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-56y")]
    [InlineData("1e309d ago")]
    [InlineData("NaN")]
    public void Non_times_say_which_forms_are_read(string text) =>
        Assert.Contains("is not a time", Assert.Throws<FormatException>(() => TimeExpression.Parse(text, Now)).Message, StringComparison.Ordinal);

    [Fact]
    public void The_edges_inside_the_range_still_parse()
    {
        Assert.Equal(DateTime.UnixEpoch, TimeExpression.Parse("1970-01-01T00:00:00Z", Now));
        Assert.Equal(new DateTime(2199, 12, 31, 23, 59, 59, DateTimeKind.Utc), TimeExpression.Parse("2199-12-31T23:59:59Z", Now));
        Assert.Equal(Now.AddDays(-20000), TimeExpression.Parse("-20000d", Now));
    }
}
