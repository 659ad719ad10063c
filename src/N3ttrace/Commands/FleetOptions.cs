using System.CommandLine;
using N3ttrace.Trail.Fleet;

namespace N3ttrace.Cli.Commands;

/// <summary>The options of every fleet command, defined once: where ClickHouse is, and which host a trail is.</summary>
internal static class FleetOptions
{
    public static Option<string> ClickHouse(string name = "--clickhouse", bool required = true)
    {
        var o = new Option<string>(name)
        {
            Description = "ClickHouse's HTTP interface: clickhouse://HOST[:PORT][/DATABASE] (port 8123, database n3ttrace by default; " +
                "clickhouse://USER:PASSWORD@HOST/DATABASE to log in).",
            Required = required,
            HelpName = "URL",
        };
        o.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } v)
            {
                try
                {
                    ClickHouseTarget.Parse(v);
                }
                catch (FormatException e)
                {
                    r.AddError(e.Message);
                }
            }
        });
        return o;
    }

    public static Option<string?> Host() => new("--host")
    {
        Description = "The name this trail's rows carry in the fleet tables (default: this host's name). Give each trail its own.",
    };

    public static Option<string?> EndpointKey() => new("--endpoint-key")
    {
        Description = "A 32-byte key FILE (0600; head -c 32 /dev/urandom) shared by the fleet, used for remote_hash instead of this host's own key, " +
            "so one address hashes the same on every host. Trade-off: whoever holds it can brute-force the endpoints of every host (docs/fleet.md).",
        HelpName = "FILE",
    };

    public static Option<int> BatchRows() =>
        Numbers.Integer("--ship-batch", "Rows per insert into ClickHouse (a batch also goes after 1 s).", 20_000, 1, 1_000_000);
}
