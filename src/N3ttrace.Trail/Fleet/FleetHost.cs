namespace N3ttrace.Trail.Fleet;

/// <summary>
/// Which host a trail's rows come from: a name (`--host`, by default the host name) and, for rows written since
/// this boot, its boot_id (a trail does not store the boot per row; older rows ship with boot_id "").
/// </summary>
public sealed record FleetHost(string Name, string BootId, DateTime BootUtc)
{
    public static FleetHost Local(string? name)
    {
        var facts = Export.HostFacts.Read(new Time.BootClock().ToUtc(0));
        return new FleetHost(string.IsNullOrEmpty(name) ? facts.HostName : name, facts.BootId, facts.BootUtc);
    }

    public string BootOf(DateTime ts) => ts >= BootUtc ? BootId : "";
}
