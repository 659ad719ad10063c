using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using N3ttrace.Connections;
using N3ttrace.Lineage;
using N3ttrace.Pipeline;
using N3ttrace.Privacy;
using N3ttrace.Trail;

namespace N3ttrace.Bench.Trail;

/// <summary>
/// Drives the real <see cref="TrailSink"/> with a synthetic, seeded connection workload on a
/// simulated clock: births, deaths, failed connects and level changes, with ticks every 250 ms of
/// simulated time. Used by benchmarks (bench/trail) and tests to write trails whose ground
/// truth (each connection's birth and death) is known. Nothing here is in the capture path.
/// </summary>
public sealed class TrailWorkload
{
    public sealed record Life(string ConnId, DateTime Birth, DateTime? Death, int Pid, string Comm, int Port, bool Failed);

    private readonly Random _rng;
    private readonly EndpointPrivacy _privacy = new(RandomNumberGenerator.GetBytes(32));
    private readonly Dictionary<string, (Connection C, int Life)> _active = [];
    private readonly List<string> _activeIds = [];
    private readonly Dictionary<int, ProcessContext> _contexts = [];
    private DateTime _now;
    private long _next;

    public List<Life> Lives { get; } = [];
    public DateTime Start { get; }
    public DateTime Now => _now;
    /// <summary>Connections kept open on average; births and deaths balance around it.</summary>
    public int TargetActive { get; init; } = 200;
    /// <summary>Distinct processes (pids) making the connections.</summary>
    public int Processes { get; init; } = 50;
    /// <summary>Each process has one command line (a storm from a few processes); by default every connection's
    /// command line differs (it names the connection), the worst case for storing certificates once.</summary>
    public bool ArgvPerProcess { get; init; }

    public TrailWorkload(DateTime startUtc, int seed)
    {
        Start = _now = startUtc;
        _rng = new Random(seed);
    }

    public Func<DateTime> Clock => () => _now;

    /// <summary>Writes `events` timeline events, advancing the clock by `step` per event.</summary>
    public void Run(TrailSink sink, long events, TimeSpan step)
    {
        var nextTick = _now;
        for (long i = 0; i < events; i++)
        {
            _now += step;
            var r = _rng.NextDouble();
            if (_activeIds.Count > 0 && r < 0.02)
            {
                LevelChange(sink);
            }
            else if (r < 0.05)
            {
                Fail(sink);
            }
            else if (_activeIds.Count == 0 || _rng.Next(2 * TargetActive) >= _activeIds.Count)
            {
                Birth(sink);
            }
            else
            {
                Death(sink);
            }
            if (_now >= nextTick)
            {
                Tick(sink, final: false);
                nextTick = _now + Pipeline.EventPipeline.Tick;
            }
        }
        Tick(sink, final: false);
    }

    /// <summary>Advances the clock without events (ticks still happen: keyframes, epochs, checkpoints).</summary>
    public void Idle(TrailSink sink, TimeSpan span)
    {
        var end = _now + span;
        while (_now < end)
        {
            _now += Pipeline.EventPipeline.Tick;
            Tick(sink, final: false);
        }
    }

    public void Tick(TrailSink sink, bool final) =>
        sink.OnTick(new PipelineView(_now, BootNs(_now), "synthetic", "", _active.Values.Select(a => a.C).ToList(), new PipelineStats(), new Lifetimes.LifetimeStats(TimeSpan.FromMinutes(10)), final));

    private long BootNs(DateTime t) => (t - Start).Ticks * 100 + 1_000_000_000;

    private Connection NewConnection(out Life life, bool failed)
    {
        var id = _next++;
        var pid = 1000 + _rng.Next(Processes);
        var comm = $"worker{pid % 7}";
        var port = 1024 + _rng.Next(60000);
        var remote = _rng.Next(4) == 0 ? IPAddress.IPv6Loopback : new IPAddress([127, 0, (byte)_rng.Next(4), (byte)(1 + _rng.Next(250))]);
        // One context per process when argv is per process, as the process table shares it between a process's connections.
        var ctx = ArgvPerProcess && _contexts.TryGetValue(pid, out var known) ? known : new ProcessContext
        {
            Comm = comm,
            Exe = $"/usr/bin/{comm}",
            Argv = System.Text.Encoding.UTF8.GetBytes(ArgvPerProcess ? $"{comm}\0--worker\0{pid}" : $"{comm}\0--id\0{id}"),
            Cwd = "/srv",
            EnvSha256 = new string('e', 64),
        };
        if (ArgvPerProcess)
        {
            _contexts[pid] = ctx;
        }
        var c = new Connection
        {
            ConnId = id.ToString("x16", CultureInfo.InvariantCulture),
            SocketKey = (ulong)id,
            Source = "synthetic",
            BirthBootNs = BootNs(_now),
            BirthUtc = _now,
            LocalAddress = IPAddress.Loopback,
            LocalPort = 40000 + (int)(id % 20000),
            RemoteAddress = remote,
            RemotePort = port,
            RemoteMasked = EndpointPrivacy.Mask(remote),
            RemoteScope = EndpointPrivacy.ScopeName(EndpointPrivacy.Scope(remote)),
            RemoteHash = _privacy.Hash(remote, port),
            Pid = pid,
            Comm = comm,
            Context = ctx,
            ProcessId = $"p{pid:x}",
            AncestryId = $"a{pid % 5:x}",
            Ancestry = $"systemd>{comm}",
            Facts = [],
        };
        if (failed)
        {
            c.State = ConnectionState.Failed;
            c.EndBootNs = c.BirthBootNs;
            c.EndUtc = _now;
        }
        life = new Life(c.ConnId, _now, failed ? _now : null, pid, comm, port, failed);
        return c;
    }

    private void Birth(TrailSink sink)
    {
        var c = NewConnection(out var life, failed: false);
        _active[c.ConnId] = (c, Lives.Count);
        _activeIds.Add(c.ConnId);
        Lives.Add(life);
        sink.OnBirth(c);
    }

    private void Fail(TrailSink sink)
    {
        var c = NewConnection(out var life, failed: true);
        Lives.Add(life);
        sink.OnFail(c);
    }

    private void Death(TrailSink sink)
    {
        var i = _rng.Next(_activeIds.Count);
        var id = _activeIds[i];
        _activeIds[i] = _activeIds[^1];
        _activeIds.RemoveAt(_activeIds.Count - 1);
        var (c, idx) = _active[id];
        _active.Remove(id);
        c.State = ConnectionState.Closed;
        // Byte counts as the kernel reports them at close; derived from the id so the random sequence is unchanged.
        c.BytesSent = (ulong)(Convert.ToInt64(c.ConnId, 16) * 37 % 100_000);
        c.BytesReceived = (ulong)(Convert.ToInt64(c.ConnId, 16) * 101 % 1_000_000);
        c.EndBootNs = BootNs(_now);
        c.EndUtc = _now;
        Lives[idx] = Lives[idx] with { Death = _now };
        sink.OnDeath(c);
    }

    private void LevelChange(TrailSink sink)
    {
        var (c, _) = _active[_activeIds[_rng.Next(_activeIds.Count)]];
        var previous = c.Verdict;
        var level = previous.Level == RiskLevel.Normal ? RiskLevel.Anomaly : RiskLevel.Normal;
        c.Verdict = new Verdict("synthetic", 0.5, level, level == RiskLevel.Normal ? 0 : 40, level == RiskLevel.Normal ? [] : ["synthetic rule"]);
        sink.OnVerdictChange(c, previous);
    }
}
