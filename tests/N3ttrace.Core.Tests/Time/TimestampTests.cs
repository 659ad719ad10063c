using System.Globalization;
using N3ttrace.Time;

namespace N3ttrace.Core.Tests.Time;

public class TimestampTests
{
    [Theory]
    [InlineData(1L)]
    [InlineData(638_000_000_000_000_000L)]
    [InlineData(639_999_999_999_999_999L)]
    [InlineData(599_266_080_000_000_000L)]
    public void Record_text_is_the_documented_format(long ticks)
    {
        var utc = new DateTime(ticks, DateTimeKind.Utc);
        Assert.Equal(utc.ToString(Timestamp.Format, CultureInfo.InvariantCulture), Timestamp.ToRecord(utc));
    }

    [Fact]
    public void Random_instants_format_and_parse_back_to_the_microsecond()
    {
        var rnd = new Random(42);
        for (var i = 0; i < 10_000; i++)
        {
            var utc = new DateTime(rnd.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc);
            var text = Timestamp.ToRecord(utc);
            Assert.Equal(utc.ToString(Timestamp.Format, CultureInfo.InvariantCulture), text);
            Assert.Equal(utc.Ticks / 10, Timestamp.ParseRecord(text).Ticks / 10);
        }
    }

    [Fact]
    public void Local_time_is_converted_to_utc()
    {
        var local = new DateTime(2026, 11, 28, 1, 2, 3, DateTimeKind.Local);
        Assert.Equal(local.ToUniversalTime().ToString(Timestamp.Format, CultureInfo.InvariantCulture), Timestamp.ToRecord(local));
    }

    [Theory]
    [InlineData(0L, "0.000000")]
    [InlineData(1_234_567_890L, "1.234568")]
    [InlineData(999_999_500L, "1.000000")]
    [InlineData(999_999_499L, "0.999999")]
    [InlineData(86_400_000_000_123L, "86400.000000")]
    [InlineData(-2_500_000L, "-0.002500")]
    [InlineData(-400L, "0.000000")]
    public void Durations_are_seconds_with_six_decimals(long ns, string text) => Assert.Equal(text, Timestamp.Seconds(ns));

    [Fact]
    public void Durations_agree_with_floating_point_formatting_away_from_ties()
    {
        var rnd = new Random(7);
        for (var i = 0; i < 100_000; i++)
        {
            var ns = rnd.NextInt64(0, 10_000_000_000_000);
            if (ns % 1000 == 500)
            {
                continue;
            }
            Assert.Equal((ns / 1e9).ToString("F6", CultureInfo.InvariantCulture), Timestamp.Seconds(ns));
        }
    }
}
