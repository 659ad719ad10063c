using System.Runtime.CompilerServices;
using N3ttrace.Connections;
using N3ttrace.Lineage;
using N3ttrace.Pipeline;

namespace N3ttrace.Inference;

/// <summary>
/// Purpose and risk for every connection (see <see cref="RuleCatalog"/>). At birth every rule runs once
/// (constant work each: bounded ancestry walk, bounded beacon history, one hash-set lookup). Each tick,
/// live connections are re-judged only where something can change: a shell or interpreter whose stdio
/// became a socket (probed in /proc for a short window after birth), and longevity.
/// </summary>
public sealed class VerdictEngine : IVerdictEngine, IDisposable
{
    private sealed class Tracked(List<RuleHit> hits, PurposeGuess purpose, bool probe)
    {
        public readonly List<RuleHit> Hits = hits;
        public readonly PurposeGuess Purpose = purpose;
        public bool Probe = probe;
        public bool Stdio;
        public bool LongLived;
        public bool Wired;
        public bool RelayProbe;
        public RuleHit? Spawn;
    }

    /// <summary>What depends only on the process (not on the destination or time), judged once per process and exec.</summary>
    private sealed class ProcessJudgement(ProcessContext context, List<RuleHit> hits, PurposeGuess purpose, Verdict verdict, string beaconPrefix)
    {
        public readonly ProcessContext Context = context;
        public readonly List<RuleHit> Hits = hits;
        public readonly PurposeGuess Purpose = purpose;
        public readonly Verdict Verdict = verdict;
        public readonly string BeaconPrefix = beaconPrefix;
    }

    // Rules whose answer changes per connection (destination, time, a launcher exiting later): never cached.
    private static readonly IRiskRule[] PerConnection = [.. RuleCatalog.AtBirth.Where(r => r is Rules.BeaconRule or Rules.FirstSeenRule or Rules.OrphanShellRule or Rules.StdioWiringRule or Rules.ShellSpawnRule or Rules.SshTunnelRule or Rules.RelayRule)];
    private static readonly IRiskRule[] PerProcess = [.. RuleCatalog.AtBirth.Except(PerConnection)];

    private readonly ConditionalWeakTable<ProcessNode, ProcessJudgement> _byProcess = [];
    private readonly RuleLists _lists;
    private readonly BeaconTracker _beacons;
    private readonly IHostBaseline _baseline;
    private readonly IProcessReader? _live;
    private readonly PurposeClassifier _purpose = new();
    private readonly Dictionary<Connection, Tracked> _tracked = new(ReferenceEqualityComparer.Instance);

    private readonly IExecutableIdentity? _identity;
    // Live outbound connections per holding process (a process forwarding traffic holds several).
    private readonly Dictionary<ProcessNode, int> _holding = new(ReferenceEqualityComparer.Instance);

    public LifetimeDistribution Lifetimes { get; } = new();
    /// <summary>The pipeline's index of who holds each stdio pipe, FIFO and socket (set by whoever builds both).</summary>
    public StdioPeers Peers { get; set; } = StdioPeers.Empty;
    /// <summary>The pipeline's live listeners and accepted connections (set by whoever builds both: relay facts).</summary>
    public ServerSockets Servers { get; set; } = new();
    /// <summary>n3ttrace's own process: its connections (forwarding, shipping) are never scored.</summary>
    public int OwnTgid { get; init; } = Environment.ProcessId;
    public long WiringChecks { get; private set; }
    public long RelayProbes { get; private set; }
    private static readonly Rules.RelayRule Relay = new();
    public long StdioProbes { get; private set; }
    public RulesConfig Config => _lists.Config;
    public IHostBaseline Baseline => _baseline;

    /// <param name="live">Where stdio of live shells is probed (/proc in n3ttrace run); null: not probed.</param>
    public VerdictEngine(RulesConfig config, IHostBaseline baseline, IProcessReader? live = null, IExecutableIdentity? identity = null)
    {
        _lists = new RuleLists(config);
        _beacons = new BeaconTracker(config.BeaconHistory, config.BeaconMaxPairs, config.BeaconMinIntervalSeconds / 2);
        _baseline = baseline;
        _live = live;
        _identity = identity;
    }

    private Subject NewSubject(Connection c, long nowBootNs) => new(c, _lists, nowBootNs)
    {
        Peers = Peers,
        Identity = _identity,
        HeldByProcess = c.Process is { } p ? _holding.GetValueOrDefault(p) : 0,
    };

    private static readonly Verdict OwnVerdict = new(PurposeGuess.Telemetry, 1.0, RiskLevel.Normal, 0,
        ["purpose +0: telemetry (1.00): n3ttrace's own connection (forwarding, shipping), never scored"]);

    public Verdict Judge(Connection c, long nowBootNs)
    {
        if (c.Pid == OwnTgid && OwnTgid > 0)
        {
            return OwnVerdict;
        }
        if (c.Direction != FlowDirection.Outbound)
        {
            return JudgeServerSide(c, nowBootNs);
        }
        if (c.State == ConnectionState.Active && c.Process is { } holderNode)
        {
            _holding[holderNode] = _holding.GetValueOrDefault(holderNode) + 1;
        }
        var s = NewSubject(c, nowBootNs);
        s.Relay = RelayFact.Find(c, Servers, _lists.Config.RelayWindowSeconds);
        var p = ForProcess(s);
        if (!c.BirthBeforeStart)
        {
            var key = string.Concat(p.BeaconPrefix, c.RemoteHash);
            s.Beacon = _beacons.Observe(key, c.BirthBootNs);
            if (Rules.BeaconRule.IsBeacon(s.Beacon, _lists.Config))
            {
                _beacons.MarkBeacon(key);
            }
        }
        if (c.Context.Exe.Length > 0)
        {
            // Connections open before n3ttrace started are learnt, not flagged: they are the host's present.
            s.FirstSeen = _baseline.Learn(c.Context.Exe, c.RemoteHash, c.BirthUtc) && !c.BirthBeforeStart;
            s.BaselineSize = _baseline.Count;
        }
        List<RuleHit>? hits = null;
        foreach (var rule in PerConnection)
        {
            if (rule.Evaluate(s) is { } hit)
            {
                (hits ??= [.. p.Hits]).Add(hit);
            }
        }
        // Periodic traffic can turn a service's purpose into telemetry; otherwise the process's purpose holds.
        var purpose = PurposeClassifier.IsPeriodic(s.Beacon, _lists.Config) ? _purpose.Classify(s) : p.Purpose;
        var verdict = hits is null && ReferenceEquals(purpose, p.Purpose) ? p.Verdict : VerdictBuilder.Build(hits ?? p.Hits, purpose, _lists.Config);
        if (c.State == ConnectionState.Active)
        {
            var probe = c.Pid > 0 && (s.IsShell || _lists.Interpreters.Contains(c.Context.Exe));
            var all = hits ?? [.. p.Hits];
            _tracked[c] = new Tracked(all, purpose, probe)
            {
                Stdio = all.Exists(h => h.Rule == RuleCatalog.StdioSocket.Name),
                Wired = all.Exists(h => h.Rule == RuleCatalog.StdioWiring.Name),
                Spawn = all.Find(h => h.Rule == RuleCatalog.ShellSpawn.Name),
                RelayProbe = c.Pid > 0 && _lists.NetworkTools.Contains(c.Context.Exe) && !all.Exists(h => h.Rule == "relay"),
            };
        }
        return verdict;
    }

    /// <summary>
    /// A listener or an accepted connection: its owner's certificate, a purpose, and the bind-shell rule for a listener.
    /// Nothing is learnt from it (baseline, beacons, lifetimes are those of outbound connections).
    /// </summary>
    private Verdict JudgeServerSide(Connection c, long nowBootNs)
    {
        var s = NewSubject(c, nowBootNs);
        var hits = RuleCatalog.BindShell.Evaluate(s) is { } hit ? new List<RuleHit> { hit } : [];
        var purpose = new PurposeGuess(PurposeGuess.BackgroundService, 0.6,
            [c.Direction == FlowDirection.Listen ? $"listens on port {c.LocalPort}" : $"accepted on port {c.LocalPort} by {Subject.Label(c.Context.Exe)}"]);
        return VerdictBuilder.Build(hits, purpose, _lists.Config);
    }

    /// <summary>The per-process part of the judgement, cached per process node and exec (storms of one process cost one judgement).</summary>
    private ProcessJudgement ForProcess(Subject s)
    {
        var node = s.Connection.Process;
        if (node is not null && _byProcess.TryGetValue(node, out var cached) && ReferenceEquals(cached.Context, s.Birth))
        {
            return cached;
        }
        var hits = new List<RuleHit>(2);
        foreach (var rule in PerProcess)
        {
            if (rule.Evaluate(s) is { } hit)
            {
                hits.Add(hit);
            }
        }
        var purpose = _purpose.Classify(s);
        var j = new ProcessJudgement(s.Birth, hits, purpose, VerdictBuilder.Build(hits, purpose, _lists.Config), BeaconPrefix(s));
        if (node is not null)
        {
            _byProcess.AddOrUpdate(node, j);
        }
        return j;
    }

    public Verdict? BeforeEnd(Connection c, long nowBootNs)
    {
        if (!_tracked.TryGetValue(c, out var t) || c.Process is not { } holder || (holder.ExecChildren.Length == 0 && !holder.Context.Stdio.HasPipe && !t.RelayProbe)
            || nowBootNs - c.BirthBootNs > (long)(_lists.Config.StdioProbeWindowSeconds * 1e9))
        {
            return null;
        }
        if (WiringCheck(c, t, nowBootNs) is not { } added)
        {
            return null;
        }
        t.Hits.Add(added);
        if (added.Rule == RuleCatalog.StdioWiring.Name && RuleCatalog.ShellSpawn.Evaluate(NewSubject(c, nowBootNs)) is { } spawn && t.Spawn is null)
        {
            t.Spawn = spawn;
            t.Hits.Add(spawn);
        }
        return VerdictBuilder.Build(t.Hits, t.Purpose, _lists.Config);
    }

    public void OnEnd(Connection c)
    {
        if (_tracked.Remove(c) && c.Process is { } p && _holding.TryGetValue(p, out var n))
        {
            if (n <= 1)
            {
                _holding.Remove(p);
            }
            else
            {
                _holding[p] = n - 1;
            }
        }
        if (c.State == ConnectionState.Closed && c.EndBootNs is { } end && c.Direction == FlowDirection.Outbound)
        {
            Lifetimes.Add(c.AgeSeconds(end));
        }
    }

    public IEnumerable<(Connection Connection, Verdict Verdict)> Reassess(IReadOnlyCollection<Connection> active, long nowBootNs)
    {
        _baseline.Flush();
        var threshold = LongevityThreshold.From(Lifetimes, _lists.Config);
        var probeWindowNs = (long)(_lists.Config.StdioProbeWindowSeconds * 1e9);
        List<(Connection, Verdict)>? changed = null;
        foreach (var c in active)
        {
            if (!_tracked.TryGetValue(c, out var t))
            {
                continue;
            }
            RuleHit? added = null;
            if (!t.Stdio)
            {
                added = StdioCheck(c, t, nowBootNs, probeWindowNs);
            }
            if (added is null && (!t.Wired || t.Spawn is null || t.Spawn.Points < _lists.Config.ShellLoopPoints) && c.Process is { } holder
                && nowBootNs - c.BirthBootNs <= probeWindowNs && (holder.ExecChildren.Length > 0 || holder.Context.Stdio.HasPipe || t.RelayProbe))
            {
                added = WiringCheck(c, t, nowBootNs);
            }
            if (added is null && !t.LongLived && c.AgeSeconds(nowBootNs) >= threshold.Seconds)
            {
                var s = NewSubject(c, nowBootNs);
                s.Longevity = threshold;
                added = RuleCatalog.Longevity.Evaluate(s);
                t.LongLived = added is not null;
            }
            if (added is not null)
            {
                t.Hits.Add(added);
                (changed ??= []).Add((c, VerdictBuilder.Build(t.Hits, t.Purpose, _lists.Config)));
            }
        }
        return changed ?? (IEnumerable<(Connection, Verdict)>)[];
    }

    /// <summary>The stdio wiring and shell spawns of a live connection's holder, re-checked in its first seconds (a shell may exec after the connect).</summary>
    private RuleHit? WiringCheck(Connection c, Tracked t, long nowBootNs)
    {
        WiringChecks++;
        var s = NewSubject(c, nowBootNs);
        if (!t.Wired && RuleCatalog.StdioWiring.Evaluate(s) is { } wired)
        {
            t.Wired = true;
            return wired;
        }
        if (t.RelayProbe && c.Pid > 0 && c.Process?.ExitedBootNs is null)
        {
            // A network tool's connection: once, does the process also hold an accepted inbound connection?
            t.RelayProbe = false;
            RelayProbes++;
            s.InboundSockets = _live?.CountInboundSockets(c.Pid) ?? 0;
            // Fed through a pipe its launcher made (ncat --sh-exec, inetd-like): the launcher may hold the inbound side.
            for (var (a, depth) = (c.Process?.ParentNode, 0); s.InboundSockets == 0 && a is not null && depth < 2 && c.Context.Stdio.In.Kind is Lineage.StdioKind.Pipe or Lineage.StdioKind.Socket; a = a.ParentNode, depth++)
            {
                if (a.ExitedBootNs is null && _lists.NetworkTools.Contains(a.Context.Exe))
                {
                    s.InboundSockets = _live?.CountInboundSockets(a.Key.Tgid) ?? 0;
                }
            }
            if (Relay.Evaluate(s) is { } relay)
            {
                return relay;
            }
        }
        if (RuleCatalog.ShellSpawn.Evaluate(s) is { } spawn && (t.Spawn is null || spawn.Points > t.Spawn.Points))
        {
            if (t.Spawn is not null)
            {
                t.Hits.Remove(t.Spawn);
            }
            t.Spawn = spawn;
            return spawn;
        }
        return null;
    }

    private RuleHit? StdioCheck(Connection c, Tracked t, long nowBootNs, long probeWindowNs)
    {
        var current = c.Process?.Context ?? c.Context;
        // An exec (perl -> sh) is reported with its stdio by the kernel: free to check every tick.
        var execChanged = !ReferenceEquals(current, c.Context) && current.StdioSockets != 0;
        var probe = false;
        if (!execChanged)
        {
            // Probe /proc only for live shells and interpreters, only in the first seconds of the connection.
            var alive = c.Process is null || c.Process.ExitedBootNs is null;
            var candidate = t.Probe || _lists.Shells.Contains(current.Exe) || _lists.Interpreters.Contains(current.Exe);
            if (!candidate || !alive || nowBootNs - c.BirthBootNs > probeWindowNs)
            {
                return null;
            }
            probe = true;
        }
        var s = NewSubject(c, nowBootNs);
        if (probe)
        {
            StdioProbes++;
            s.ProbedStdio = _live?.ReadStdioSockets(c.Pid) ?? 0;
        }
        var hit = RuleCatalog.StdioSocket.Evaluate(s);
        t.Stdio = hit is not null;
        return hit;
    }

    /// <summary>One lineage to one destination: the executable and its two nearest ancestors' executables (then the remote hash).</summary>
    private static string BeaconPrefix(Subject s)
    {
        var a = s.Ancestors;
        var p1 = a.Count > 0 ? a[0].Context.Exe : "";
        var p2 = a.Count > 1 ? a[1].Context.Exe : "";
        return string.Concat(s.Exe.Length > 0 ? s.Exe : s.Connection.Comm, "\u0001", p1, "\u0001", p2, "\u0001");
    }

    public void Dispose() => _baseline.Dispose();
}
