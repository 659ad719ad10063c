using N3ttrace.Inference.Rules;

namespace N3ttrace.Inference;

/// <summary>
/// Guesses what a connection is for from how its process was started, never from its payload:
/// package managers and updater units (update check), telemetry agents or periodic service traffic
/// (telemetry), a terminal and login identity (user action), a service cgroup, cron or daemon (background service).
/// First match wins, in that order; confidence grows with the number of agreeing signals. `unknown` only when the
/// process's context could not be read: no terminal and no login is itself evidence of a background service.
/// </summary>
public sealed class PurposeClassifier
{
    public PurposeGuess Classify(Subject s)
    {
        var lists = s.Lists;
        var evidence = new List<string>(4);
        var unit = s.Cgroup.Unit;

        // Update check: an updater executable (itself or an ancestor), or an updater unit.
        var updater = FirstMatch(s, lists.Updaters);
        var updaterUnit = unit.Length > 0 && s.Config.UpdaterUnits.Contains(unit);
        if (updater is not null || updaterUnit)
        {
            if (updaterUnit)
            {
                evidence.Add($"updater unit {Subject.Label(unit)}");
            }
            if (updater is not null)
            {
                evidence.Add(updater);
            }
            return new PurposeGuess(PurposeGuess.UpdateCheck, evidence.Count > 1 ? 0.95 : 0.8, evidence);
        }

        // Telemetry: a known agent, a unit named like one, or regular traffic from a service.
        var agent = FirstMatch(s, lists.TelemetryAgents);
        var telemetryUnit = s.Cgroup.IsSystemService && s.Config.TelemetryUnitWords.Any(w => unit.Contains(w, StringComparison.OrdinalIgnoreCase));
        var periodic = IsPeriodic(s.Beacon, s.Config);
        var supervised = s.Cgroup.IsSystemService || (s.Connection.Process is { } n && s.HasAutomationLauncher(n, out _));
        if (agent is not null || (s.Cgroup.IsSystemService && telemetryUnit) || (supervised && periodic))
        {
            if (agent is not null)
            {
                evidence.Add(agent);
            }
            if (telemetryUnit)
            {
                evidence.Add($"unit {Subject.Label(unit)}");
            }
            if (periodic)
            {
                evidence.Add(System.FormattableString.Invariant($"periodic every {s.Beacon!.MedianSeconds:0.##} s"));
            }
            if (s.Cgroup.IsSystemService)
            {
                evidence.Add("system service");
            }
            return new PurposeGuess(PurposeGuess.Telemetry, Math.Min(0.95, 0.5 + 0.15 * evidence.Count), evidence);
        }

        // User action: a terminal, a login identity, a session scope or user app.
        if (s.HasTty)
        {
            evidence.Add($"tty {Subject.Label(s.Birth.Tty.Replace('/', '-'))}");
        }
        if (s.Birth.LoginUid >= 0)
        {
            evidence.Add(System.FormattableString.Invariant($"loginuid {s.Birth.LoginUid}"));
        }
        if (s.Cgroup.IsSessionScope || s.Cgroup.IsUserApp)
        {
            evidence.Add($"cgroup {Subject.Label(unit)}");
        }
        if (s.HasTty && evidence.Count >= 1 && !s.Cgroup.IsSystemService)
        {
            return new PurposeGuess(PurposeGuess.UserAction, Math.Min(0.95, 0.5 + 0.2 * evidence.Count), evidence);
        }
        if ((s.Cgroup.IsSessionScope || s.Cgroup.IsUserApp) && s.Birth.LoginUid >= 0)
        {
            return new PurposeGuess(PurposeGuess.UserAction, 0.6, evidence);
        }
        evidence.Clear();

        // Background service: a system service unit, a scheduler ancestor, or a daemon (no tty, no login, own session).
        if (s.Cgroup.IsSystemService)
        {
            evidence.Add($"service {Subject.Label(unit)}");
        }
        var scheduler = FirstMatch(s, lists.Schedulers);
        if (scheduler is not null)
        {
            evidence.Add(scheduler.Replace("ancestor", "scheduled by", StringComparison.Ordinal));
        }
        if (s.Birth.LoginUid < 0 && !s.HasTty)
        {
            evidence.Add("no login, no tty");
        }
        if (s.Cgroup.IsSystemService || scheduler is not null)
        {
            return new PurposeGuess(PurposeGuess.BackgroundService, Math.Min(0.95, 0.5 + 0.15 * evidence.Count), evidence);
        }
        if (!s.HasTty && s.Birth.LoginUid >= 0)
        {
            // A login without a terminal: ssh host command, git or rsync over ssh, a user's nohup'd script.
            return new PurposeGuess(PurposeGuess.UserAction, 0.5, [System.FormattableString.Invariant($"loginuid {s.Birth.LoginUid}, no terminal")]);
        }
        // Automation: a launcher (supervisor, CI runner, init, nohup...) or stdin from /dev/null or a file.
        if (s.Connection.Process is { } node && (s.IsAutomation(node, out var why) || (node.ParentNode is { } parent && s.IsAutomation(parent, out why))))
        {
            evidence.Insert(0, why);
            return new PurposeGuess(PurposeGuess.BackgroundService, Math.Min(0.9, 0.45 + 0.15 * evidence.Count), evidence);
        }
        if (s.Birth.Exe.Length == 0)
        {
            return new PurposeGuess(PurposeGuess.Unknown, 0, ["process context not read"]);
        }
        if (!s.HasTty && s.Birth.LoginUid >= 0)
        {
            // A login without a terminal: ssh host command, git or rsync over ssh.
            return new PurposeGuess(PurposeGuess.UserAction, 0.5, [System.FormattableString.Invariant($"loginuid {s.Birth.LoginUid}, no terminal (remote command)")]);
        }
        // No terminal, no login: nobody is at a keyboard behind it.
        return new PurposeGuess(PurposeGuess.BackgroundService, 0.4, evidence.Count > 0 ? evidence : ["no terminal"]);
    }

    /// <summary>
    /// Whether a pair's timing reads as a schedule, for purpose only (the beacon rule scores risk with its own test).
    /// Either a tight schedule early (3+ intervals all within 15% of their median: a timer, not chance; uniform 1-5 s
    /// gaps pass this 4% of the time) or the beacon statistics at threshold, without the rule's hysteresis: random
    /// calls that once looked regular by chance would otherwise stay "telemetry" (uniform 1-5 s gaps, 400 runs of 23
    /// calls: 6.3% of calls periodic with the rule's hysteresis, 2.6% without; PurposePeriodicityTests).
    /// </summary>
    public static bool IsPeriodic(BeaconObservation? b, RulesConfig c) =>
        b is not null && b.MedianSeconds >= c.BeaconMinIntervalSeconds
        && ((b.Connections >= ScheduleMinConnections && b.MaxDeviation <= ScheduleTolerance)
            || (b.Connections >= c.BeaconMinConnections && b.Score >= c.BeaconScoreThreshold));

    private const int ScheduleMinConnections = 4;
    private const double ScheduleTolerance = 0.15;

    /// <summary>"exe apt-get" or "ancestor apt-get" for the first name of the set in the process or its ancestors.</summary>
    private static string? FirstMatch(Subject s, NameSet set)
    {
        if (set.Contains(s.Exe))
        {
            return $"exe {Subject.Label(s.Exe)}";
        }
        // An interpreter running a known program: node /usr/bin/npm, python3 -m pip.
        if (s.Lists.Interpreters.Contains(s.Exe))
        {
            var args = Rules.LolbinShellRule.Args(s.Birth.Argv);
            var script = args.Count > 2 && args[1] == "-m" ? args[2] : args.Count > 1 ? args[1] : "";
            if (script.Length > 0 && set.Contains(script))
            {
                return $"program {Subject.Label(script)}";
            }
        }
        foreach (var a in s.Ancestors)
        {
            if (set.Contains(a.Context.Exe) || (a.Context.Exe.Length == 0 && set.Contains(a.Context.Comm)))
            {
                return $"ancestor {Subject.Label(a.Context.Exe.Length > 0 ? a.Context.Exe : a.Context.Comm)}";
            }
        }
        return null;
    }
}
