namespace N3ttrace.Inference;

/// <summary>
/// Every threshold and list the inference rules use, with safe defaults. Loaded from a simple
/// `key = value` file (see <see cref="RulesConfigFile"/>, README "Inference"); lists are comma-separated.
/// </summary>
public sealed record RulesConfig
{
    // Levels: score (0-100, the capped sum of rule points) at or above which a verdict is raised.
    public int AnomalyScore { get; init; } = 30;
    public int ThreatScore { get; init; } = 60;

    // Points per rule.
    public int StdioSocketPoints { get; init; } = 80;
    public int StdioWiringPoints { get; init; } = 80;
    public int ShellSpawnPoints { get; init; } = 35;
    public int ShellLoopPoints { get; init; } = 60;
    public int ShellConnectPoints { get; init; } = 50;
    /// <summary>Command-line knowledge (GTFOBins-like): supporting context, never a THREAT alone.</summary>
    public int LolbinShellPoints { get; init; } = 20;
    public int SshTunnelPoints { get; init; } = 35;
    public int SshForwardPoints { get; init; } = 65;
    public int RelayPoints { get; init; } = 65;
    /// <summary>Relay: the outbound connection follows the accept within this many seconds...</summary>
    public double RelayWindowSeconds { get; init; } = 10;
    /// <summary>...and the listener has accepted at most this many connections (more: a service with clients).</summary>
    public int RelayMaxClients { get; init; } = 3;
    /// <summary>A shell or interpreter listening with no terminal (bind shell), and with one or as automation.</summary>
    public int BindShellPoints { get; init; } = 65;
    public int BindShellTtyPoints { get; init; } = 30;
    public int LolbinContextPoints { get; init; } = 10;
    public int OrphanShellPoints { get; init; } = 10;
    public int ServerChildPoints { get; init; } = 50;
    public int BeaconPoints { get; init; } = 45;
    public int ServiceBeaconPoints { get; init; } = 10;
    public int FirstSeenPoints { get; init; } = 5;
    public int TempExePoints { get; init; } = 40;
    public int MemfdExePoints { get; init; } = 50;
    public int DeletedExePoints { get; init; } = 40;
    public int MasqueradePoints { get; init; } = 30;
    public int LongevityPoints { get; init; } = 25;
    public int ServiceLongevityPoints { get; init; } = 10;

    // Beacons: at least this many connections of one pair, spaced at least this much, regular enough.
    public int BeaconMinConnections { get; init; } = 6;
    public double BeaconMinIntervalSeconds { get; init; } = 0.1;
    public double BeaconScoreThreshold { get; init; } = 0.8;
    public int BeaconHistory { get; init; } = 32;
    public int BeaconMaxPairs { get; init; } = 4096;

    // Longevity: above the host's own quantile of ended lifetimes once it has enough samples, never below the floor.
    public double LongevityQuantile { get; init; } = 0.99;
    public int LongevityMinSamples { get; init; } = 100;
    public double LongevityFloorSeconds { get; init; } = 600;
    /// <summary>Used while the host has too few samples for its own distribution.</summary>
    public double LongevityFixedSeconds { get; init; } = 3600;

    // Stdio probe of live shells and interpreters: how long after birth, how often.
    public double StdioProbeWindowSeconds { get; init; } = 30;

    public int BaselineMaxPairs { get; init; } = 100_000;
    public int AncestryDepth { get; init; } = 8;

    // Lists (executable base names; version suffixes like python3.11 match "python").
    public IReadOnlyList<string> Shells { get; init; } = ["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "csh", "tcsh", "busybox"];
    public IReadOnlyList<string> Interpreters { get; init; } = ["python", "perl", "ruby", "php", "node", "nodejs", "lua", "luajit", "tclsh", "gawk", "awk", "mawk", "nawk", "busybox", "irb", "jrunscript", "expect"];
    /// <summary>Multi-call binaries: one executable for many programs, the one run named by argv[0] or, when argv[0] is the binary itself, argv[1].</summary>
    public IReadOnlyList<string> MultiCallBinaries { get; init; } = ["busybox", "toybox"];
    public IReadOnlyList<string> NetworkTools { get; init; } = ["nc", "ncat", "netcat", "nc.openbsd", "nc.traditional", "socat", "curl", "wget", "openssl", "telnet", "ssh", "ftp", "tftp", "rsync", "scp", "sftp", "busybox"];
    public IReadOnlyList<string> Servers { get; init; } = ["nginx", "apache2", "httpd", "lighttpd", "caddy", "php-fpm", "uwsgi", "gunicorn", "uvicorn", "tomcat", "jetty", "mysqld", "mariadbd", "postgres", "redis-server", "mongod", "memcached", "vsftpd", "proftpd", "named", "exim4", "postfix", "dovecot", "java"];
    /// <summary>Command-line fragments that make an interpreter a server (python -m http.server, flask run...).</summary>
    public IReadOnlyList<string> ServerArgs { get; init; } = ["http.server", "SimpleHTTPServer", "CGIHTTPServer", "gunicorn", "uvicorn", "flask run", "manage.py runserver", "php -S", "rails server", "puma"];
    public IReadOnlyList<string> ShellSpawnMarkers { get; init; } = ["pty.spawn", "dup2", "/bin/sh", "/bin/bash", "sh -i", "bash -i", "subprocess", "os.system", "exec(", "exec \"", "exec '", "popen", "spawn(", "child_process", "system("];
    public IReadOnlyList<string> SocketMarkers { get; init; } = ["socket", "/dev/tcp", "/inet/tcp", "TCPSocket", "fsockopen", "net.connect", "IO::Socket"];
    public IReadOnlyList<string> TempDirs { get; init; } = ["/tmp/", "/dev/shm/", "/var/tmp/", "/run/shm/"];

    // Purpose lists.
    public IReadOnlyList<string> Updaters { get; init; } = ["apt", "apt-get", "aptitude", "unattended-upgr", "unattended-upgrade", "apt.systemd.daily", "apt-check", "dnf", "yum", "zypper", "pacman", "apk", "packagekitd", "pkcon", "snapd", "snap", "fwupd", "fwupdmgr", "flatpak", "pip", "pip3", "npm", "gem", "cargo", "freshclam", "update-notifier", "do-release-upgrade"];
    public IReadOnlyList<string> UpdaterUnits { get; init; } = ["apt-daily.service", "apt-daily-upgrade.service", "unattended-upgrades.service", "packagekit.service", "snapd.service", "fwupd-refresh.service", "dnf-makecache.service", "fwupd.service", "clamav-freshclam.service"];
    public IReadOnlyList<string> TelemetryAgents { get; init; } = ["popularity-contest", "popcon", "apport", "whoopsie", "ubuntu-report", "telegraf", "datadog-agent", "collectd", "zabbix_agentd", "zabbix_agent2", "amazon-ssm-agent", "fluent-bit", "td-agent", "otelcol", "otelcol-contrib", "vector", "newrelic-infra", "metricbeat", "filebeat", "elastic-agent", "netdata", "prometheus", "grafana-agent", "alloy", "sentry", "crash-reporter"];
    public IReadOnlyList<string> TelemetryUnitWords { get; init; } = ["telemetry", "metrics", "monitor", "report", "stats", "agent", "exporter", "heartbeat"];
    public IReadOnlyList<string> Schedulers { get; init; } = ["cron", "crond", "anacron", "atd", "systemd-timer"];

    /// <summary>Launchers (executables, matched on the path the kernel ran) whose shells without a terminal are automation.</summary>
    public IReadOnlyList<string> AutomationLaunchers { get; init; } = ["cron", "crond", "anacron", "atd", "supervisord", "runsv", "runsvdir", "s6-supervise", "systemd", "init", "containerd-shim", "containerd-shim-runc-v2", "runc", "crun", "conmon", "tini", "dumb-init", "gitlab-runner", "act_runner", "buildkite-agent", "jenkins", "nohup", "unshare", "start-stop-daemon", "daemon"];
    /// <summary>Names a process may not take unless it is that program: a disguise when another executable wears them.</summary>
    public IReadOnlyList<string> WellKnownNames { get; init; } = ["sshd", "systemd", "init", "cron", "crond", "atd", "rsyslogd", "syslog-ng", "dbus-daemon", "systemd-journald", "systemd-udevd", "systemd-logind", "systemd-resolved", "udevd", "agetty", "login", "nginx", "apache2", "httpd", "mysqld", "postgres", "dockerd", "containerd", "kubelet", "snapd", "polkitd", "NetworkManager", "wpa_supplicant", "chronyd", "ntpd", "getty"];
    /// <summary>Kernel thread names (a user process wearing one hides among them).</summary>
    public IReadOnlyList<string> KernelThreadPrefixes { get; init; } = ["kworker", "ksoftirqd", "kthreadd", "kswapd", "migration/", "rcu_", "watchdog/", "jbd2/", "irq/", "kdevtmpfs", "khungtaskd", "oom_reaper", "writeback", "kcompactd", "kblockd", "cpuhp/", "kauditd", "ext4-rsv"];
    /// <summary>"tool arg-prefix": arguments that hand a shell to the network (GTFOBins-like supporting context).</summary>
    public IReadOnlyList<string> ShellHandoffArgs { get; init; } = ["socat exec:", "socat system:", "nc -e", "nc -c", "ncat -e", "ncat -c", "ncat --exec", "ncat --sh-exec", "ncat --lua-exec", "netcat -e", "nc.traditional -e", "nc.traditional -c", "busybox -e"];

    public static RulesConfig Default { get; } = new();
}
