namespace N3ttrace.Trail.Fleet;

/// <summary>
/// Where the fleet's tables live: clickhouse://HOST[:PORT][/DB] (or http://…), spoken to over ClickHouse's HTTP
/// interface (port 8123 by default). The database defaults to "n3ttrace"; user and password may come as
/// clickhouse://USER:PASSWORD@HOST:PORT/DB.
/// </summary>
public sealed record ClickHouseTarget(Uri Http, string Database, string? User, string? Password)
{
    public const int DefaultPort = 8123;
    public const string DefaultDatabase = "n3ttrace";

    public static ClickHouseTarget Parse(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var u) || u.Scheme is not ("clickhouse" or "http") || u.Host.Length == 0)
        {
            throw new FormatException($"'{Text.TextEscaper.Escape(text)}' is no ClickHouse address: use clickhouse://HOST[:PORT][/DATABASE]");
        }
        var db = u.AbsolutePath.Trim('/');
        if (db.Length == 0)
        {
            db = DefaultDatabase;
        }
        if (!IsIdentifier(db))
        {
            throw new FormatException($"database name '{Text.TextEscaper.Escape(db)}' must be letters, digits and '_'");
        }
        string? user = null, password = null;
        if (u.UserInfo.Length > 0)
        {
            var parts = u.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null;
        }
        var port = u.IsDefaultPort || u.Port <= 0 ? DefaultPort : u.Port;
        return new ClickHouseTarget(new UriBuilder("http", u.Host, port, "/").Uri, db, user, password);
    }

    public static bool IsIdentifier(string s) => s.Length is > 0 and <= 64 && !char.IsAsciiDigit(s[0]) && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>For logs and the stop line: never the password.</summary>
    public override string ToString() => $"clickhouse://{Http.Host}:{Http.Port}/{Database}";
}
