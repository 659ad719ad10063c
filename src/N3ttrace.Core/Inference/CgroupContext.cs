namespace N3ttrace.Inference;

/// <summary>What a cgroup v2 path says about how a process was started (systemd's layout).</summary>
public readonly record struct CgroupContext(string Path, string Unit, bool IsSystemService, bool IsSessionScope, bool IsUserApp)
{
    public static CgroupContext Parse(string path)
    {
        if (path.Length == 0)
        {
            return new(path, "", false, false, false);
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // The innermost .service or .scope names the unit (a service may have sub-cgroups below it).
        var unit = "";
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            if (parts[i].EndsWith(".service", StringComparison.Ordinal) || parts[i].EndsWith(".scope", StringComparison.Ordinal))
            {
                unit = parts[i];
                break;
            }
        }
        var system = parts.Length > 1 && parts[0] == "system.slice" && unit.EndsWith(".service", StringComparison.Ordinal);
        var session = parts.Length > 0 && parts[0] == "user.slice" && unit.StartsWith("session-", StringComparison.Ordinal) && unit.EndsWith(".scope", StringComparison.Ordinal);
        var app = parts.Length > 0 && parts[0] == "user.slice" && Array.IndexOf(parts, "app.slice") >= 0;
        return new(path, unit, system, session, app);
    }
}
