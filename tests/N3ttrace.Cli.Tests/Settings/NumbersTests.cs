using System.CommandLine;
using N3ttrace.Cli.Commands;

namespace N3ttrace.Cli.Tests.Settings;

public sealed class NumbersTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("2d", 172800)]
    [InlineData("250ms", 0.25)]
    [InlineData("1.5", 1.5)]
    [InlineData("0", 0)]
    public void Durations_have_units(string text, double seconds)
    {
        Assert.True(Numbers.TryParseDuration(text, out var v));
        Assert.Equal(seconds, v.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e309")]
    [InlineData("-1")]
    [InlineData("5 m")]
    [InlineData("5y")]
    [InlineData("")]
    [InlineData("0x10")]
    public void Other_text_is_not_a_duration(string text) => Assert.False(Numbers.TryParseDuration(text, out _));

    [Fact]
    public void Run_takes_durations_and_bounds_them()
    {
        var root = Program.CreateRoot();
        var p = root.Parse(["run", "--duration", "5m", "--seal-interval", "1h", "--interval", "250ms", "--refresh", "2s"]);
        Assert.Empty(p.Errors);
        var run = p.CommandResult.Command;
        Assert.Equal(TimeSpan.FromMinutes(5), p.GetValue(run.Options.OfType<Option<TimeSpan>>().Single(o => o.Name == "--duration")));
        Assert.Equal(TimeSpan.FromHours(1), p.GetValue(run.Options.OfType<Option<TimeSpan>>().Single(o => o.Name == "--seal-interval")));
        Assert.NotEmpty(root.Parse(["run", "--duration", "999999999999999d"]).Errors);
        Assert.NotEmpty(root.Parse(["run", "--seal-interval", "31d"]).Errors);
        Assert.NotEmpty(root.Parse(["run", "--interval", "2h"]).Errors);
    }
}
