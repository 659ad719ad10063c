using System.Text;
using N3ttrace.Cli.Commands;
using N3ttrace.Fuzz.Tests.Harness;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Fuzz.Tests.Targets;

/// <summary>
/// The time parser (at, --since, --until, --between) and the duration parser (--duration, --seal-interval, ...):
/// TryParse never throws, Parse throws only FormatException with a one-line message, results stay in range.
/// </summary>
public sealed class TimeTarget : IFuzzTarget
{
    public static readonly DateTime Now = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);

    public string Name => "time";

    public IEnumerable<byte[]> GeneratedSeeds() =>
        new[]
        {
            "now", "-2h", "-90s", "- 1.5 d", "30 minutes ago", "1 day ago", "2 weeks ago", "yesterday 14:32", "today 09:00:30", "14:32",
            "2026-11-27T14:32:00Z", "2026-11-27T14:32:00.123456+02:00", "2026-11-27 14:32", "2026-11-27 14:32:05", "2026-11-27",
            "90s", "5m", "1h", "2d", "250ms", "1.5h", "0", "3600", "0.01s",
        }.Select(Encoding.UTF8.GetBytes);

    public void Execute(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        if (TimeExpression.TryParse(text, Now, out var t))
        {
            if (t < TimeExpression.Earliest || t >= TimeExpression.Latest || t.Kind != DateTimeKind.Utc)
            {
                throw new FuzzFinding($"time out of range: '{text}' -> {t:o} ({t.Kind})");
            }
            if (TimeExpression.Parse(text, Now) != t)
            {
                throw new FuzzFinding($"Parse and TryParse disagree on '{text}'");
            }
        }
        else
        {
            try
            {
                TimeExpression.Parse(text, Now);
                throw new FuzzFinding($"Parse accepted what TryParse refused: '{text}'");
            }
            catch (FormatException e) when (!e.Message.Contains('\n') && e.Message.Contains("time", StringComparison.Ordinal))
            {
            }
        }
        if (Numbers.TryParseDuration(text, out var d) && d < TimeSpan.Zero)
        {
            throw new FuzzFinding($"negative duration from '{text}': {d}");
        }
    }
}
