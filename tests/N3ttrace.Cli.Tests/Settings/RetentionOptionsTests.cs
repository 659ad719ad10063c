using System.CommandLine;
using N3ttrace.Cli.Commands;

namespace N3ttrace.Cli.Tests.Settings;

public sealed class RetentionOptionsTests
{
    [Theory]
    [InlineData("500M", 500L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("64MiB", 64L << 20)]
    [InlineData("512K", 512L << 10)]
    [InlineData("1.5G", 3L << 29)]
    [InlineData("2GB", 2_000_000_000L)]
    [InlineData("1048576", 1L << 20)]
    [InlineData("0", 0)]
    public void Sizes_have_units(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var v));
        Assert.Equal(bytes, v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1G")]
    [InlineData("2X")]
    [InlineData("1e9")]
    [InlineData("NaN")]
    [InlineData("99999999999999T")]
    [InlineData("2 G B")]
    public void Other_text_is_no_size(string text) => Assert.False(ByteSize.TryParse(text, out _));

    private static T Value<T>(ParseResult p, string name) => p.GetValue(p.CommandResult.Command.Options.OfType<Option<T>>().Single(o => o.Name == name))!;

    [Fact]
    public void Run_has_documented_retention_defaults_and_takes_segment_flags()
    {
        var root = Program.CreateRoot();
        var d = root.Parse(["run"]);
        Assert.Empty(d.Errors);
        Assert.Equal(90, Value<int>(d, "--retain"));
        Assert.Equal(2L << 30, Value<long>(d, "--max-disk"));
        Assert.Equal(64L << 20, Value<long>(d, "--segment-size"));
        Assert.Equal(TimeSpan.FromHours(1), Value<TimeSpan>(d, "--segment-age"));
        var p = root.Parse(["run", "--retain", "7", "--max-disk", "500M", "--segment-size", "16M", "--segment-age", "10m"]);
        Assert.Empty(p.Errors);
        Assert.Equal(500L << 20, Value<long>(p, "--max-disk"));
        Assert.Equal(16L << 20, Value<long>(p, "--segment-size"));
        Assert.Equal(TimeSpan.FromMinutes(10), Value<TimeSpan>(p, "--segment-age"));
        Assert.Empty(root.Parse(["run", "--retain", "0", "--max-disk", "0"]).Errors); // keep everything
    }

    [Theory]
    [InlineData("--max-disk", "lots")]
    [InlineData("--segment-size", "1K")]
    [InlineData("--segment-size", "0")]
    [InlineData("--segment-size", "8G")]
    [InlineData("--segment-age", "1s")]
    [InlineData("--retain", "-3")]
    [InlineData("--retain", "1.5")]
    public void Bad_values_are_refused_with_a_clear_error(string option, string value)
    {
        Assert.Contains("below 4 x --segment-size", RetentionOptions.Check(100L << 20, 64L << 20), StringComparison.Ordinal);
        Assert.Null(RetentionOptions.Check(0, 64L << 20));
        var errors = Program.CreateRoot().Parse(["run", option, value]).Errors;
        Assert.NotEmpty(errors);
        Assert.Contains(option, string.Join("\n", errors.Select(e => e.Message)), StringComparison.Ordinal);
    }
}
