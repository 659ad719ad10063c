namespace N3ttrace.Connections;

/// <summary>
/// Which way a connection goes, from this host's side: it connected out, a peer connected in (accepted on a
/// listener), or the record is the listening socket itself. Trails written before the column existed hold
/// outbound connections only, so a missing or empty value reads as outbound.
/// </summary>
public enum FlowDirection
{
    Outbound,
    Inbound,
    Listen,
}

/// <summary>The record text of <see cref="FlowDirection"/> (the `direction` column, query's --direction).</summary>
public static class FlowDirections
{
    public const string Outbound = "outbound";
    public const string Inbound = "inbound";
    public const string Listen = "listen";

    public static readonly IReadOnlyList<string> Names = [Outbound, Inbound, Listen];

    public static string Name(FlowDirection d) => d switch
    {
        FlowDirection.Inbound => Inbound,
        FlowDirection.Listen => Listen,
        _ => Outbound,
    };

    /// <summary>A record's value: empty (a trail older than the column) is outbound; an unknown value is null.</summary>
    public static FlowDirection? Parse(string? text) => text switch
    {
        null or "" or Outbound => FlowDirection.Outbound,
        Inbound => FlowDirection.Inbound,
        Listen => FlowDirection.Listen,
        _ => null,
    };

    /// <summary>OCSF network activity direction_id: 1 Inbound, 2 Outbound, 99 Other (a listening socket has no peer yet).</summary>
    public static int OcsfId(FlowDirection d) => d switch
    {
        FlowDirection.Inbound => 1,
        FlowDirection.Outbound => 2,
        _ => 99,
    };

    /// <summary>OCSF's direction caption for <see cref="OcsfId"/>.</summary>
    public static string OcsfName(FlowDirection d) => d switch
    {
        FlowDirection.Inbound => "Inbound",
        FlowDirection.Outbound => "Outbound",
        _ => "Listen",
    };
}
