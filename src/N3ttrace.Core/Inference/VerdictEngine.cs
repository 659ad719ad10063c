using N3ttrace.Connections;
using N3ttrace.Pipeline;
using N3ttrace.Trail;

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
    }

    private readonly RuleLists _lists;
    private readonly BeaconTracker _beacons;
    private readonly HostBaseline _baseline;
    private readonly PurposeClassifier _purpose = new();
    private readonly Dictionary<Connection, Tracked> _tracked = new(ReferenceEqualityComparer.Instance);

    public LifetimeDistribution Lifetimes { get; } = new();
    public long StdioProbes { get; private set; }
    public RulesConfig Config => _lists.Config;
    public HostBaseline Baseline => _baseline;

    public VerdictEngine(RulesConfig config, HostBaseline baseline)
    {
        _lists = new RuleLists(config);
        _beacons = new BeaconTracker(config.BeaconHistory, config.BeaconMaxPairs);
        _baseline = baseline;
    }

    /// <summary>The engine n3ttrace run uses: baseline.tsv in the state directory.</summary>
    public static VerdictEngine Open(RulesConfig config, StateDirectory dir) => new(config, new HostBaseline(dir, config.BaselineMaxPairs));

    public Verdict Judge(Connection c, long nowBootNs)
    {
        var s = new Subject(c, _lists, nowBootNs);
        if (!c.BirthBeforeStart)
        {
            s.Beacon = _beacons.Observe(BeaconKey(s), c.BirthBootNs);
        }
        if (c.Context.Exe.Length > 0)
        {
            // Connections open before n3ttrace started are learnt, not flagged: they are the host's present.
            s.FirstSeen = _baseline.Learn(c.Context.Exe, c.RemoteHash, c.BirthUtc) && !c.BirthBeforeStart;
            s.BaselineSize = _baseline.Count;
        }
        var hits = new List<RuleHit>(4);
        foreach (var rule in RuleCatalog.AtBirth)
        {
            if (rule.Evaluate(s) is { } hit)
            {
                hits.Add(hit);
            }
        }
        var purpose = _purpose.Classify(s);
        if (c.State == ConnectionState.Active)
        {
            var probe = c.Pid > 0 && (s.IsShell || _lists.Interpreters.Contains(c.Context.Exe));
            _tracked[c] = new Tracked(hits, purpose, probe) { Stdio = hits.Exists(h => h.Rule == RuleCatalog.StdioSocket.Name) };
        }
        return VerdictBuilder.Build(hits, purpose, _lists.Config);
    }

    public void OnEnd(Connection c)
    {
        _tracked.Remove(c);
        if (c.State == ConnectionState.Closed && c.EndBootNs is { } end)
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
            if (added is null && !t.LongLived && c.AgeSeconds(nowBootNs) >= threshold.Seconds)
            {
                var s = new Subject(c, _lists, nowBootNs) { Longevity = threshold };
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
        var s = new Subject(c, _lists, nowBootNs);
        if (probe)
        {
            StdioProbes++;
            s.ProbedStdio = StdioProbe.Read(c.Pid);
        }
        var hit = RuleCatalog.StdioSocket.Evaluate(s);
        t.Stdio = hit is not null;
        return hit;
    }

    /// <summary>One lineage to one destination: the executable and its two nearest ancestors' executables, and the remote hash.</summary>
    private static string BeaconKey(Subject s)
    {
        var a = s.Ancestors;
        var p1 = a.Count > 0 ? a[0].Context.Exe : "";
        var p2 = a.Count > 1 ? a[1].Context.Exe : "";
        return string.Join('\u0001', s.Exe.Length > 0 ? s.Exe : s.Connection.Comm, p1, p2, s.Connection.RemoteHash);
    }

    public void Dispose() => _baseline.Dispose();
}
