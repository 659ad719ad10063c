using System.Globalization;

namespace N3ttrace.Cli.Live;

/// <summary>Short, fixed-unit durations for the table: 850ms, 1.52s, 12.3s, 4m05s, 1h02m, 3d04h.</summary>
public static class DurationText
{
    public static string Format(double seconds)
    {
        var c = CultureInfo.InvariantCulture;
        if (!(seconds > 0))
        {
            return "0s";
        }
        if (seconds < 1e-3)
        {
            return (seconds * 1e6).ToString("0", c) + "us";
        }
        if (seconds < 0.01)
        {
            return (seconds * 1e3).ToString("0.00", c) + "ms";
        }
        if (seconds < 1)
        {
            return (seconds * 1e3).ToString("0", c) + "ms";
        }
        if (seconds < 10)
        {
            return seconds.ToString("0.00", c) + "s";
        }
        if (seconds < 60)
        {
            return seconds.ToString("0.0", c) + "s";
        }
        var t = (long)seconds;
        if (t < 3600)
        {
            return string.Create(c, $"{t / 60}m{t % 60:00}s");
        }
        if (t < 86400)
        {
            return string.Create(c, $"{t / 3600}h{t / 60 % 60:00}m");
        }
        return string.Create(c, $"{t / 86400}d{t / 3600 % 24:00}h");
    }
}
