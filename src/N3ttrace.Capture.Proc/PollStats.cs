namespace N3ttrace.Capture.Proc;

/// <summary>What polling cost and what it could not attribute; logged at stop, shown by the benchmark.</summary>
public sealed class PollStats
{
    public long Cycles { get; internal set; }
    public double FirstCycleCpuMs { get; internal set; }
    public double LastCycleCpuMs { get; internal set; }
    public double MaxCycleCpuMs { get; internal set; }
    /// <summary>CPU of every cycle after the first (the first one meets every socket and process at once).</summary>
    public double SteadyCpuMsTotal { get; internal set; }
    public long LateCycles { get; internal set; }
    public long ProcessesSeen { get; internal set; }
    public long SocketsSeen { get; internal set; }
    public long Unattributed { get; internal set; }
    public long ExecsCaught { get; internal set; }
    public long FdScans { get; internal set; }
    public long RestScans { get; internal set; }
    public long Rescued { get; internal set; }

    public double SteadyCpuMsAverage => Cycles > 1 ? SteadyCpuMsTotal / (Cycles - 1) : FirstCycleCpuMs;

    /// <summary>Steady-state CPU split: listing processes vs listing and attributing sockets.</summary>
    public double SteadyProcessMsTotal { get; private set; }
    public double SteadySocketMsTotal { get; private set; }
    public int LastSocketRows { get; private set; }

    internal void OnPhases(double processMs, double socketMs, int socketRows)
    {
        LastSocketRows = socketRows;
        if (Cycles > 0)
        {
            SteadyProcessMsTotal += processMs;
            SteadySocketMsTotal += socketMs;
        }
    }

    private readonly List<double> _steady = [];

    /// <summary>Median CPU of the cycles after the first: robust to a few cycles that met a burst.</summary>
    public double SteadyCpuMsMedian
    {
        get
        {
            if (_steady.Count == 0)
            {
                return FirstCycleCpuMs;
            }
            var sorted = _steady.Order().ToList();
            return sorted[sorted.Count / 2];
        }
    }

    internal void OnCycle(double cpuMs)
    {
        if (Cycles > 0 && _steady.Count < 100_000)
        {
            _steady.Add(cpuMs);
        }
        if (Cycles == 0)
        {
            FirstCycleCpuMs = cpuMs;
        }
        else
        {
            SteadyCpuMsTotal += cpuMs;
        }
        Cycles++;
        LastCycleCpuMs = cpuMs;
        MaxCycleCpuMs = Math.Max(MaxCycleCpuMs, cpuMs);
    }

    public override string ToString() =>
        $"{Cycles} poll cycles, CPU per cycle {SteadyCpuMsMedian:0.00} ms median, {SteadyCpuMsAverage:0.00} ms average, {MaxCycleCpuMs:0.00} ms max, first {FirstCycleCpuMs:0.00} ms; " +
        $"(processes {(Cycles > 1 ? SteadyProcessMsTotal / (Cycles - 1) : 0):0.00} ms, sockets {(Cycles > 1 ? SteadySocketMsTotal / (Cycles - 1) : 0):0.00} ms for {LastSocketRows} rows); " +
        $"{LateCycles} late; {SocketsSeen} outbound sockets, {ProcessesSeen} new processes, {ExecsCaught} execs caught, {FdScans} fd scans ({RestScans} last-resort), {Unattributed} unattributed, {Rescued} skipped by a listing and found by the re-read";
}
