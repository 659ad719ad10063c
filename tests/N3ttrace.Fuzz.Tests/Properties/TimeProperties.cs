using FsCheck;
using FsCheck.Fluent;
using N3ttrace.Cli.Commands;
using N3ttrace.Fuzz.Tests.Targets;
using N3ttrace.Time;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Fuzz.Tests.Properties;

/// <summary>The time and duration parsers against their own formatters, and on any text at all.</summary>
public class TimeProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(2000);

    /// <summary>Microsecond instants between 1970 and 2200.</summary>
    private static readonly Arbitrary<DateTime> Instants = Arb.From(
        from us in Gen.Choose(0, int.MaxValue).SelectMany(hi => Gen.Choose(0, int.MaxValue), (hi, lo) => ((long)hi << 31 | (uint)lo) % 7_258_118_400_000_000L)
        select DateTime.UnixEpoch.AddTicks(us * 10));

    [Fact]
    public void A_record_timestamp_parses_back_to_the_same_instant()
    {
        Check.One(Runs, Prop.ForAll(Instants, t => TimeExpression.Parse(Timestamp.ToRecord(t), TimeTarget.Now) == t));
    }

    [Fact]
    public void Minus_n_seconds_and_n_seconds_ago_are_the_same_instant_n_seconds_before_now()
    {
        var seconds = Arb.From(Gen.Choose(0, (int)(TimeTarget.Now - DateTime.UnixEpoch).TotalSeconds));
        Check.One(Runs, Prop.ForAll(seconds, n =>
            TimeExpression.Parse($"-{n}s", TimeTarget.Now) == TimeTarget.Now.AddSeconds(-n)
            && TimeExpression.Parse($"{n} seconds ago", TimeTarget.Now) == TimeTarget.Now.AddSeconds(-n)));
    }

    [Fact]
    public void Any_text_is_a_time_in_range_or_a_one_line_FormatException()
    {
        Check.One(Runs.WithMaxTest(5000), Prop.ForAll(ArbMap.Default.ArbFor<string>(), text =>
        {
            if (text is null)
            {
                return true;
            }
            try
            {
                var t = TimeExpression.Parse(text, TimeTarget.Now);
                return t >= TimeExpression.Earliest && t < TimeExpression.Latest;
            }
            catch (FormatException e)
            {
                return !e.Message.Contains('\n');
            }
        }));
    }

    [Fact]
    public void A_duration_as_help_prints_it_parses_back_to_itself()
    {
        // Milliseconds up to the 100 years any duration option may name.
        var durations = Arb.From(
            from hi in Gen.Choose(0, 734)
            from lo in Gen.Choose(0, int.MaxValue)
            select TimeSpan.FromMilliseconds(Math.Min((long)hi * int.MaxValue + lo, 3_155_760_000_000L)));
        Check.One(Runs, Prop.ForAll(durations, d =>
            Numbers.TryParseDuration(Numbers.Text(d), out var back) && Math.Abs((back - d).Ticks) < 10));
    }

    [Fact]
    public void A_duration_is_never_negative_and_never_throws()
    {
        Check.One(Runs.WithMaxTest(5000), Prop.ForAll(ArbMap.Default.ArbFor<string>(), text =>
            text is null || !Numbers.TryParseDuration(text, out var d) || d >= TimeSpan.Zero));
    }

    [Theory]
    [InlineData("-\u0663h")]
    [InlineData("\u0663\u0663 minutes ago")]
    [InlineData("today \u0661\u0664:\u0663\u0662")]
    public void Non_ASCII_digits_are_not_a_time(string text)
    {
        Assert.False(TimeExpression.TryParse(text, TimeTarget.Now, out _));
        Assert.Contains("is not a time", Assert.Throws<FormatException>(() => TimeExpression.Parse(text, TimeTarget.Now)).Message, StringComparison.Ordinal);
    }
}
