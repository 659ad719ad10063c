using System.Globalization;

namespace N3ttrace.Time;

/// <summary>The record format for instants: ISO-8601 UTC with microseconds.</summary>
public static class Timestamp
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public static string ToRecord(DateTime utc) => utc.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture);

    public static DateTime ParseRecord(string s) =>
        DateTime.ParseExact(s, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
