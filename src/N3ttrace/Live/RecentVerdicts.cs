using System.Globalization;
using N3ttrace.Connections;

namespace N3ttrace.Cli.Live;

/// <summary>
/// The connections that earned ANOMALY or THREAT, newest first, kept after they close: a 20 ms reverse shell is
/// gone from the active table before the next refresh, but stays here until newer alerts push it out. When full,
/// the oldest ANOMALY goes before any THREAT, so a flood of anomalies cannot hide a threat. Also counts every
/// connection by the highest level it reached. Pipeline thread only.
/// </summary>
public sealed class RecentVerdicts(int capacity)
{
    private readonly List<Entry> _entries = []; // oldest first
    private readonly Dictionary<Connection, RiskLevel> _highest = new(ReferenceEqualityComparer.Instance);
    private readonly long[] _counts = new long[3];

    private sealed class Entry(Connection c, DateTime flagged)
    {
        public Connection Connection { get; } = c;
        public DateTime Flagged { get; set; } = flagged;
        public RiskLevel Level { get; set; } = c.Verdict.Level;
        public string? End { get; set; }
    }

    public int Capacity => capacity;

    /// <summary>Connections seen since start, by the highest level each reached: NORMAL, ANOMALY, THREAT.</summary>
    public IReadOnlyList<long> Counts => _counts;

    public void OnBirth(Connection c, DateTime nowUtc)
    {
        _counts[(int)c.Verdict.Level]++;
        if (c.Verdict.Level > RiskLevel.Normal)
        {
            _highest[c] = c.Verdict.Level;
            Add(c, nowUtc);
        }
    }

    public void OnVerdictChange(Connection c, DateTime nowUtc)
    {
        var was = _highest.TryGetValue(c, out var h) ? h : RiskLevel.Normal;
        var level = c.Verdict.Level;
        if (level <= was)
        {
            return; // the pane keeps the highest level a connection reached
        }
        _counts[(int)was]--;
        _counts[(int)level]++;
        _highest[c] = level;
        var existing = _entries.FindIndex(e => ReferenceEquals(e.Connection, c));
        if (existing >= 0)
        {
            var e = _entries[existing];
            _entries.RemoveAt(existing);
            e.Level = level;
            e.Flagged = nowUtc;
            _entries.Add(e);
            return;
        }
        Add(c, nowUtc);
    }

    /// <summary>A death or failure: the entry stays, marked closed with the connection's lifetime.</summary>
    public void OnEnd(Connection c, string how, double lifetimeSeconds)
    {
        if (!_highest.ContainsKey(c))
        {
            return;
        }
        var listed = false;
        foreach (var e in _entries)
        {
            if (ReferenceEquals(e.Connection, c))
            {
                e.End = EndText(how, lifetimeSeconds);
                listed = true;
            }
        }
        if (!listed)
        {
            _highest.Remove(c); // pushed out of the pane already: nothing more to remember
        }
    }

    private static string EndText(string how, double seconds) => $"{how} after {DurationText.Format(seconds)}";

    /// <summary>The pane's lines, newest first, those matching the filter, at most n.</summary>
    public List<RecentVerdict> Snapshot(LiveFilter filter, int n, long nowBootNs)
    {
        var list = new List<RecentVerdict>(Math.Min(n, _entries.Count));
        for (var i = _entries.Count - 1; i >= 0 && list.Count < n; i--)
        {
            var e = _entries[i];
            var c = e.Connection;
            if (!filter.Matches(e.Level, c.Comm, c.RemotePort))
            {
                continue;
            }
            var row = FrameBuilder.Row(c, nowBootNs);
            var reason = c.Verdict.Reasons.Count > 0 ? c.Verdict.Reasons[0] : "";
            list.Add(new RecentVerdict(e.Level, e.Flagged, c.ConnId, c.Pid, DisplayText.Safe(c.Comm), row.Proc, c.RemotePort, row.Remote,
                row.Purpose, DisplayText.Safe(reason), e.End ?? $"open {row.Duration}"));
        }
        return list;
    }

    private void Add(Connection c, DateTime nowUtc)
    {
        if (_entries.Count >= capacity)
        {
            var victim = _entries.FindIndex(e => e.Level == RiskLevel.Anomaly);
            victim = victim >= 0 ? victim : 0;
            if (_entries[victim].End is not null)
            {
                _highest.Remove(_entries[victim].Connection);
            }
            _entries.RemoveAt(victim);
        }
        // A verdict can rise after the connection ended (a probe that finished late): say so at once.
        _entries.Add(new Entry(c, nowUtc) { End = c.EndBootNs is not null ? EndText(c.State.ToString().ToLowerInvariant(), c.AgeSeconds(0)) : null });
    }

    public static string Clock(DateTime utc) => utc.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
