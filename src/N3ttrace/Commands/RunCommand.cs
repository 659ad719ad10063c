using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using N3ttrace.Capture.Ebpf;
using N3ttrace.Cli.Settings;
using N3ttrace.Trail.Forwarding;
using N3ttrace.Connections;
using N3ttrace.Interop;
using N3ttrace.Lineage;
using N3ttrace.Pipeline;
using N3ttrace.Privacy;
using N3ttrace.Capture.Proc.ProcFs;
using N3ttrace.Time;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

internal sealed record RunArguments(string StateDir, string LogFile, bool NoTui, double DurationSeconds, bool Verbose, LiveSettings Live,
    bool FallbackProc = false, double IntervalSeconds = CaptureSelection.DefaultIntervalSeconds, double SealSeconds = 900, string? Rules = null)
{
    public ForwardTarget? Forward { get; init; }
    public int ForwardQueue { get; init; } = 10_000;
    public string? ForwardCa { get; init; }
    public string? ForwardCert { get; init; }
    public string? ForwardKey { get; init; }
    public string? VerifyKeyOut { get; init; }
    /// <summary>Remove the pinned kernel side at exit (it otherwise keeps capturing for the next run).</summary>
    public bool DetachKernel { get; init; }
    /// <summary>run --ship: ClickHouse to ship the trail to while it is written.</summary>
    public string? Ship { get; init; }
    public string? ShipHost { get; init; }
    public int ShipBatch { get; init; } = 20_000;
    /// <summary>--endpoint-key: the fleet's HMAC key for remote_hash instead of this host's own.</summary>
    public string? EndpointKey { get; init; }
    public UdpIdleTimeouts UdpIdle { get; init; } = UdpIdleTimeouts.Default;
    /// <summary>Retention and segment cadence (--retain, --max-disk, --segment-size, --segment-age).</summary>
    public TrailOptions Trail { get; init; } = new();
}

/// <summary>`n3ttrace run`: capture until the duration ends or SIGINT/SIGTERM, then flush and detach.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var stateDir = CommonOptions.StateDir();
        var logFile = new Option<string>("--log-file")
        {
            Description = "Rolling, ANSI-free copy of the live table (\"\" for none); reopened on SIGHUP.",
            DefaultValueFactory = _ => SystemDefaults.LogFile(Privileges.IsRoot, Environment.GetEnvironmentVariable),
        };
        var noTui = new Option<bool>("--no-tui") { Description = "Do not draw the live table on the terminal (it still goes to the log file)." };
        var duration = Numbers.Duration("--duration", "Stop after this long; 0 runs until SIGINT or SIGTERM", TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromDays(3650));
        var verbose = CommonOptions.Verbose();
        var (fallbackProc, interval) = FallbackOptions.Create();
        var seal = TrailNotices.SealIntervalOption();
        var live = new LiveCommandOptions();
        var rules = RulesOption.Create();
        var (forward, forwardQueue, forwardCa, forwardCert, forwardKey) = ForwardOptions.Create();
        var verifyKeyOut = VerifyKeyDelivery.Option();
        var detachKernel = new Option<bool>("--detach-kernel")
        {
            Description = "Detach the kernel programs and free their ring buffer when this run ends. By default they stay pinned " +
                "in the BPF file system and keep capturing, so the next run (after a crash, kill, upgrade or stop) drains what " +
                "happened meanwhile; 'n3ttrace unload' removes them.",
        };
        var (udpIdle, udpIdleReplied) = UdpIdleOptions.Create();
        var ship = FleetOptions.ClickHouse("--ship", required: false);
        ship.Description = "Also ship the trail to ClickHouse while it is written (clickhouse://HOST[:PORT][/DATABASE], tables from 'n3ttrace fleet init'): " +
            "a thread of its own reads the trail from a cursor kept in the state directory, so a slow or absent ClickHouse never slows capture.";
        var shipHost = FleetOptions.Host();
        var shipBatch = FleetOptions.BatchRows();
        var endpointKey = FleetOptions.EndpointKey();
        var retention = new RetentionOptions();
        var cmd = new Command("run", "Trace every connection of this host: outbound and inbound TCP, listeners, UDP flows (needs root).")
        {
            stateDir, logFile, noTui, duration, verbose, fallbackProc, interval, seal, rules, forward, forwardQueue, forwardCa, forwardCert, forwardKey, verifyKeyOut, detachKernel,
            ship, shipHost, shipBatch, endpointKey, udpIdle, udpIdleReplied,
        };
        foreach (var o in live.All.Concat(retention.All))
        {
            cmd.Options.Add(o);
        }
        retention.Validate(cmd);
        cmd.SetAction((p, ct) => RunAsync(new RunArguments(p.GetValue(stateDir)!, p.GetValue(logFile)!, p.GetValue(noTui), p.GetValue(duration).TotalSeconds, p.GetValue(verbose), live.Read(p),
            p.GetValue(fallbackProc), p.GetValue(interval).TotalSeconds, p.GetValue(seal).TotalSeconds, p.GetValue(rules))
        {
            Forward = ForwardOptions.Target(p.GetValue(forward)),
            ForwardQueue = p.GetValue(forwardQueue),
            ForwardCa = p.GetValue(forwardCa),
            ForwardCert = p.GetValue(forwardCert),
            ForwardKey = p.GetValue(forwardKey),
            VerifyKeyOut = p.GetValue(verifyKeyOut),
            DetachKernel = p.GetValue(detachKernel),
            Ship = p.GetValue(ship),
            ShipHost = p.GetValue(shipHost),
            ShipBatch = p.GetValue(shipBatch),
            EndpointKey = p.GetValue(endpointKey),
            UdpIdle = new UdpIdleTimeouts(p.GetValue(udpIdle), p.GetValue(udpIdleReplied)),
            Trail = retention.Apply(p, new TrailOptions()),
        }, ct));
        return cmd;
    }

    public static async Task<int> RunAsync(RunArguments args, CancellationToken ct)
    {
        using var loggers = Logging.Create(args.Verbose);
        var log = loggers.CreateLogger("n3ttrace");
        if (!Privileges.IsRoot)
        {
            Console.Error.WriteLine("n3ttrace run needs root: it loads eBPF programs and reads every process's /proc entries. Try: sudo n3ttrace run");
            return ExitCodes.Failure;
        }
        var startNs = BootClock.NowBootNs();
        if (RetentionOptions.Check(args.Trail.MaxDiskBytes, args.Trail.SegmentBytes) is { } retentionError)
        {
            Console.Error.WriteLine($"n3ttrace: {retentionError}");
            return ExitCodes.Usage;
        }
        if (RulesOption.Load(args.Rules) is not { } rulesConfig)
        {
            return ExitCodes.Usage;
        }
        if (!ForwardOptions.TryLoadTls(args.Forward, args.ForwardCa, args.ForwardCert, args.ForwardKey, out var forwardTls))
        {
            return ExitCodes.Usage;
        }
        using var forwardTlsOwner = forwardTls;
        StateDirectory dir;
        byte[] secret;
        try
        {
            dir = StateDirectory.Open(args.StateDir, create: true);
            secret = dir.ReadOrCreateSecret(StateDirectory.HostSecretFile);
            if (args.EndpointKey is { } fleetKey)
            {
                secret = Trail.Fleet.EndpointKeyFile.Read(fleetKey);
            }
        }
        catch (Exception e) when (e is StateDirectoryException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Failure;
        }

        // A new trail's key needs a place only the operator sees, decided before the key exists.
        VerifyKeyDelivery? keyDelivery = null;
        if (VerifyKeyDelivery.NewTrail(dir))
        {
            keyDelivery = VerifyKeyDelivery.Open(args.VerifyKeyOut, out var keyError);
            if (keyDelivery is null)
            {
                Console.Error.WriteLine($"n3ttrace: {keyError}");
                return ExitCodes.Usage;
            }
        }
        using var keyOwner = keyDelivery;
        if (args.LogFile.Length > 0 && Path.GetDirectoryName(Path.GetFullPath(args.LogFile)) is { } logDir && !Directory.Exists(logDir))
        {
            Directory.CreateDirectory(logDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // eBPF, or /proc polling (asked for, or because eBPF cannot load: announced, never silent).
        CaptureSelection selection;
        try
        {
            selection = CaptureSelection.Choose(args.FallbackProc, args.IntervalSeconds, log, args.DetachKernel, args.UdpIdle);
        }
        catch (PinMismatchException e)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Failure;
        }
        var source = selection.Source;

        var clock = new BootClock();
        // A resumed kernel side captured through the time no run was reading it: that is no not-running gap.
        DateTime? capturingSince = source is EbpfSource { Resumed: true } resumed ? clock.ToUtc(resumed.CapturingSinceBootNs) : null;
        var identity = new ProcessIdentity(ProcessIdentity.ReadBootId());
        var processes = new ProcessTable(identity, new ProcessReader());
        TrailSink trail;
        try
        {
            trail = new TrailSink(dir, args.Trail with { EpochLength = TimeSpan.FromSeconds(args.SealSeconds), KernelCapturingSince = capturingSince });
        }
        catch (Exception e) when (e is StateDirectoryException or IOException)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            source.Dispose();
            return ExitCodes.Failure;
        }
        using var trailOwner = trail;
        if (trail.NewVerifyKey is { } newKey && keyDelivery is not null)
        {
            var tui = !args.NoTui && !Console.IsOutputRedirected;
            log.LogInformation("{Where}", keyDelivery.Deliver(newKey, waitForEnter: keyDelivery.IsTerminal && tui));
        }
        TrailNotices.Print(trail, log);
        using var liveView = LiveCommandOptions.CreateSink(args.Live, args.LogFile, args.NoTui, log);
        var sinks = new List<PipelineSink> { trail, liveView };
        using var forwarder = args.Forward is { } target ? new SyslogForwarder(target, log, args.ForwardQueue, tls: forwardTls) : null;
        if (forwarder is not null)
        {
            sinks.Add(forwarder);
        }
        using var shipClient = args.Ship is { } shipUrl ? new Trail.Fleet.ClickHouseClient(Trail.Fleet.ClickHouseTarget.Parse(shipUrl)) : null;
        // The shipper's own connections are the tracer's: the kernel side never reports this process (its tgid is filtered).
        using var shipLoop = shipClient is null ? null
            : new Trail.Fleet.ShipLoop(new Trail.Fleet.TrailShipper(dir, shipClient, Trail.Fleet.FleetHost.Local(args.ShipHost), args.ShipBatch), log, TimeSpan.FromSeconds(1));
        liveView.Counters = () => shipLoop?.Stats is { } ship
            ? new Live.LiveCounters(trail.Gaps, trail.LostRows, forwarder?.Stats.Queued, ship.Pending, ship.LagSeconds, trail.DiskFull)
            : new Live.LiveCounters(trail.Gaps, trail.LostRows, forwarder?.Stats.Queued, DiskFull: trail.DiskFull);
        // A full disk is said loudly (stderr through the logger, the log file's header line through the counters).
        trail.Warn = m => log.LogWarning("{Message}", m);
        trail.Inform = m => log.LogInformation("{Message}", m);
        using var verdicts = new Inference.VerdictEngine(rulesConfig, new HostBaseline(dir, rulesConfig.BaselineMaxPairs), processes.Reader,
            new Capture.Proc.ProcFs.ExecutableIdentity(rulesConfig));
        verdicts.Peers = processes.Peers;
        var servers = new ServerSockets();
        verdicts.Servers = servers;
        var pipeline = new EventPipeline(source.Name, processes, new EndpointPrivacy(secret), clock, sinks, verdicts, log)
        {
            Servers = servers,
            ModeNote = selection.ModeNote,
        };

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; liveView.ReopenLog(); });
        liveView.Controls.QuitRequested += stop.Cancel; // q stops like SIGINT

        try
        {
            // Attach first, then read /proc: a process born in between is seen by both, never by neither.
            source.Start(pipeline);
            processes.SeedFromProc();
            var pump = Task.Run(() => pipeline.RunAsync(), CancellationToken.None);
            log.LogInformation("capture ready: {Description}, {Processes} processes known, {Ms:0} ms after start; state in {Dir}",
                source.Description, processes.Count, (BootClock.NowBootNs() - startNs) / 1e6, dir.Path);
            try
            {
                await Task.Delay(args.DurationSeconds > 0 ? TimeSpan.FromSeconds(args.DurationSeconds) : Timeout.InfiniteTimeSpan, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            source.Stop();
            pipeline.Complete();
            await pump.ConfigureAwait(false);
        }
        catch (StateDirectoryException e)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"n3ttrace: writing the trail failed: {e.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            liveView.Dispose(); // leaves the alternate screen before the last log lines
            source.Dispose();
        }
        if (trail.Replayed > 0)
        {
            log.LogInformation("resumed ring: {Replayed} births the last run had already written were read again and not written twice", trail.Replayed);
        }
        if (trail.ReplayedDeaths > 0 || trail.CarriedDeaths > 0)
        {
            log.LogInformation("resumed ring: {Carried} deaths of connections born in an earlier run recorded; {Replayed} deaths the last run had already written not written twice",
                trail.CarriedDeaths, trail.ReplayedDeaths);
        }
        if (trail.CarriedDeathsUnwritten > 0)
        {
            log.LogWarning("resumed ring: {Unwritten} deaths of connections born in an earlier run were not recorded: this trail's format ({Format}) needs the birth's columns in a death row (start a new --state-dir for format 3)",
                trail.CarriedDeathsUnwritten, trail.Format);
        }
        ForwardOptions.LogSummary(log, forwarder);
        if (shipLoop is not null)
        {
            trail.Flush(); // the last rows of this run are in the files before the last pass reads them
            var shipped = shipLoop.Stop(TimeSpan.FromSeconds(10));
            log.LogInformation("ship: {Shipped} rows delivered to {Target} in {Batches} batches; pending {Pending} rows (they stay in the trail for the next run or 'n3ttrace ship'), lag {Lag:0.0} s, {Failures} failed attempts{Error}",
                shipped.Shipped, shipClient!.Target, shipped.Batches, shipped.Pending, shipped.LagSeconds, shipped.Failures, shipped.LastError is { } le ? " (last: " + le + ")" : "");
        }
        var s = pipeline.Stats;
        log.LogInformation("stopped: {Births} births, {Fails} failed connects, {Deaths} deaths, {Active} still open; kernel dropped {Dropped}, untracked {Untracked} (socket map full), {Orphans} transitions of connections older than the tracer; {Malformed} malformed records; {Unattributed} unattributed; {LostDeaths} lost deaths retired; {Unowned} accepted connections whose listener predates the tracer; {Unmatched} deaths without a seen birth; {Emitted} records from the source, {Events} events processed",
            s.Births, s.Fails, s.Deaths, pipeline.Active.Count, s.SourceDropped, s.SourceUntracked, s.SourceOrphans, s.SourceMalformed, s.Unattributed, s.LostDeaths,
            s.SourceUnowned, s.UnmatchedDeaths, s.SourceEmitted, s.Events);
        log.LogInformation("trail: {Cut} segments cut ({CutFailures} cuts failed), {Compressed} compressed ({CompressionFailures} compressions failed), {Pruned} pruned in {Prunes} prunes ({PruneFailures} failed), writing paused {Pauses} time(s) by a full disk{LastPrune}",
            trail.SegmentsCut, trail.SegmentCutFailures, trail.SegmentsCompressed, trail.SegmentCompressionFailures, trail.SegmentsPruned, trail.Prunes,
            trail.PruneFailures, trail.DiskFullPauses, trail.LastPrune is { } lp ? "; last: " + lp : "");
        if (trail.WriteFailures > 0)
        {
            log.LogError("trail: {Failures} failed writes, {Lost} rows lost (each loss is recorded in the chain as write-failure): {Error}",
                trail.WriteFailures, trail.LostRows, trail.LastWriteError);
        }
        if (trail.LostRows > 0 || s.SourceDropped > 0)
        {
            // Incomplete is a failure for whoever runs this under a supervisor: say so in the exit status.
            log.LogError("incomplete: {Dropped} records dropped in the kernel and {Lost} rows lost on write; {Gaps} gap record(s) in the trail",
                s.SourceDropped, trail.LostRows, trail.Gaps);
            return ExitCodes.Failure;
        }
        return ExitCodes.Ok;
    }
}
