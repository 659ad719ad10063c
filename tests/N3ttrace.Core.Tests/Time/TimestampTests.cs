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
}
