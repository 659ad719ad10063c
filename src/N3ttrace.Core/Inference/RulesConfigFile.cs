using System.Globalization;

namespace N3ttrace.Inference;

/// <summary>
/// Reads a rules file: one `key = value` per line, `#` comments, blank lines ignored.
/// Numbers use '.' as decimal point; lists are comma-separated and replace the default list,
/// or extend it when written `key += a, b`. Unknown keys and bad values are errors, with the line number.
/// </summary>
public static class RulesConfigFile
{
    private delegate RulesConfig Setter(RulesConfig c, string value, bool append);

    private static readonly Dictionary<string, Setter> Setters = new(StringComparer.Ordinal)
    {
        ["anomaly_score"] = (c, v, _) => c with { AnomalyScore = Int(v, 0, 100) },
        ["threat_score"] = (c, v, _) => c with { ThreatScore = Int(v, 0, 100) },
        ["stdio_socket_points"] = (c, v, _) => c with { StdioSocketPoints = Points(v) },
        ["stdio_wiring_points"] = (c, v, _) => c with { StdioWiringPoints = Points(v) },
        ["shell_spawn_points"] = (c, v, _) => c with { ShellSpawnPoints = Points(v) },
        ["shell_loop_points"] = (c, v, _) => c with { ShellLoopPoints = Points(v) },
        ["memfd_exe_points"] = (c, v, _) => c with { MemfdExePoints = Points(v) },
        ["ssh_forward_points"] = (c, v, _) => c with { SshForwardPoints = Points(v) },
        ["relay_points"] = (c, v, _) => c with { RelayPoints = Points(v) },
        ["relay_window_seconds"] = (c, v, _) => c with { RelayWindowSeconds = Dbl(v, 0, 3600) },
        ["relay_max_clients"] = (c, v, _) => c with { RelayMaxClients = Int(v, 0, 1_000_000) },
        ["bind_shell_points"] = (c, v, _) => c with { BindShellPoints = Points(v) },
        ["bind_shell_tty_points"] = (c, v, _) => c with { BindShellTtyPoints = Points(v) },
        ["shell_connect_points"] = (c, v, _) => c with { ShellConnectPoints = Points(v) },
        ["lolbin_shell_points"] = (c, v, _) => c with { LolbinShellPoints = Points(v) },
        ["ssh_tunnel_points"] = (c, v, _) => c with { SshTunnelPoints = Points(v) },
        ["lolbin_context_points"] = (c, v, _) => c with { LolbinContextPoints = Points(v) },
        ["orphan_shell_points"] = (c, v, _) => c with { OrphanShellPoints = Points(v) },
        ["server_child_points"] = (c, v, _) => c with { ServerChildPoints = Points(v) },
        ["beacon_points"] = (c, v, _) => c with { BeaconPoints = Points(v) },
        ["service_beacon_points"] = (c, v, _) => c with { ServiceBeaconPoints = Points(v) },
        ["first_seen_points"] = (c, v, _) => c with { FirstSeenPoints = Points(v) },
        ["temp_exe_points"] = (c, v, _) => c with { TempExePoints = Points(v) },
        ["deleted_exe_points"] = (c, v, _) => c with { DeletedExePoints = Points(v) },
        ["masquerade_points"] = (c, v, _) => c with { MasqueradePoints = Points(v) },
        ["longevity_points"] = (c, v, _) => c with { LongevityPoints = Points(v) },
        ["service_longevity_points"] = (c, v, _) => c with { ServiceLongevityPoints = Points(v) },
        ["beacon_min_connections"] = (c, v, _) => c with { BeaconMinConnections = Int(v, 3, 1000) },
        ["beacon_min_interval_seconds"] = (c, v, _) => c with { BeaconMinIntervalSeconds = Dbl(v, 0, 1e6) },
        ["beacon_score_threshold"] = (c, v, _) => c with { BeaconScoreThreshold = Dbl(v, 0, 1) },
        ["beacon_history"] = (c, v, _) => c with { BeaconHistory = Int(v, 4, 256) },
        ["beacon_max_pairs"] = (c, v, _) => c with { BeaconMaxPairs = Int(v, 1, 1_000_000) },
        ["longevity_quantile"] = (c, v, _) => c with { LongevityQuantile = Dbl(v, 0.5, 1) },
        ["longevity_min_samples"] = (c, v, _) => c with { LongevityMinSamples = Int(v, 1, int.MaxValue) },
        ["longevity_floor_seconds"] = (c, v, _) => c with { LongevityFloorSeconds = Dbl(v, 0, 1e9) },
        ["longevity_fixed_seconds"] = (c, v, _) => c with { LongevityFixedSeconds = Dbl(v, 0, 1e9) },
        ["stdio_probe_window_seconds"] = (c, v, _) => c with { StdioProbeWindowSeconds = Dbl(v, 0, 1e6) },
        ["baseline_max_pairs"] = (c, v, _) => c with { BaselineMaxPairs = Int(v, 0, 10_000_000) },
        ["ancestry_depth"] = (c, v, _) => c with { AncestryDepth = Int(v, 1, 64) },
        ["shells"] = (c, v, a) => c with { Shells = List(c.Shells, v, a) },
        ["interpreters"] = (c, v, a) => c with { Interpreters = List(c.Interpreters, v, a) },
        ["multi_call_binaries"] = (c, v, a) => c with { MultiCallBinaries = List(c.MultiCallBinaries, v, a) },
        ["network_tools"] = (c, v, a) => c with { NetworkTools = List(c.NetworkTools, v, a) },
        ["servers"] = (c, v, a) => c with { Servers = List(c.Servers, v, a) },
        ["server_args"] = (c, v, a) => c with { ServerArgs = List(c.ServerArgs, v, a) },
        ["shell_spawn_markers"] = (c, v, a) => c with { ShellSpawnMarkers = List(c.ShellSpawnMarkers, v, a) },
        ["socket_markers"] = (c, v, a) => c with { SocketMarkers = List(c.SocketMarkers, v, a) },
        ["temp_dirs"] = (c, v, a) => c with { TempDirs = List(c.TempDirs, v, a) },
        ["updaters"] = (c, v, a) => c with { Updaters = List(c.Updaters, v, a) },
        ["updater_units"] = (c, v, a) => c with { UpdaterUnits = List(c.UpdaterUnits, v, a) },
        ["telemetry_agents"] = (c, v, a) => c with { TelemetryAgents = List(c.TelemetryAgents, v, a) },
        ["telemetry_unit_words"] = (c, v, a) => c with { TelemetryUnitWords = List(c.TelemetryUnitWords, v, a) },
        ["schedulers"] = (c, v, a) => c with { Schedulers = List(c.Schedulers, v, a) },
        ["automation_launchers"] = (c, v, a) => c with { AutomationLaunchers = List(c.AutomationLaunchers, v, a) },
        ["well_known_names"] = (c, v, a) => c with { WellKnownNames = List(c.WellKnownNames, v, a) },
        ["kernel_thread_prefixes"] = (c, v, a) => c with { KernelThreadPrefixes = List(c.KernelThreadPrefixes, v, a) },
        ["shell_handoff_args"] = (c, v, a) => c with { ShellHandoffArgs = List(c.ShellHandoffArgs, v, a) },
    };

    public static IReadOnlyCollection<string> Keys => Setters.Keys;

    public static RulesConfig Parse(IEnumerable<string> lines, string name)
    {
        var c = RulesConfig.Default;
        var n = 0;
        foreach (var raw in lines)
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new RulesConfigException($"{name}:{n}: expected 'key = value'");
            }
            var append = line[eq - 1] == '+';
            var key = line[..(append ? eq - 1 : eq)].Trim();
            var value = line[(eq + 1)..].Trim();
            if (!Setters.TryGetValue(key, out var set))
            {
                throw new RulesConfigException($"{name}:{n}: unknown key '{Text.TextEscaper.Escape(key)}'");
            }
            try
            {
                c = set(c, value, append);
            }
            catch (FormatException e)
            {
                throw new RulesConfigException($"{name}:{n}: {key}: {e.Message}");
            }
        }
        if (c.AnomalyScore > c.ThreatScore)
        {
            throw new RulesConfigException($"{name}: anomaly_score ({c.AnomalyScore}) must not exceed threat_score ({c.ThreatScore})");
        }
        return c;
    }

    private static int Points(string v) => Int(v, 0, 100);

    private static int Int(string v, int min, int max)
    {
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) || x < min || x > max)
        {
            throw new FormatException($"'{Text.TextEscaper.Escape(v)}' is not a whole number from {min} to {max}");
        }
        return x;
    }

    private static double Dbl(string v, double min, double max)
    {
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !(x >= min && x <= max))
        {
            throw new FormatException($"'{Text.TextEscaper.Escape(v)}' is not a number from {min} to {max}");
        }
        return x;
    }

    private static string[] List(IReadOnlyList<string> current, string v, bool append)
    {
        var items = v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return append ? [.. current, .. items] : items;
    }
}
