using System.Globalization;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// Records the drain loop's inputs and decisions, one line per turn (N3TTRACE_DRAIN_TRACE=FILE), so the policy's
/// tests replay what real runs saw: ms since start, bytes produced in the turn, ring fill, host busy, drained.
/// Bounded: at most <see cref="MaxTurns"/> lines (about 20 minutes of turns).
/// </summary>
internal sealed class DrainTrace : IDisposable
{
    public const int MaxTurns = 120_000;
    private readonly StreamWriter _out;
    private readonly long _startMs;
    private long _lastProduced;
    private int _turns;

    private DrainTrace(string path, long startMs, long produced)
    {
        _out = new StreamWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write)) { NewLine = "\n" };
        _out.WriteLine("ms\tbytes\tfill\tbusy\tdrained");
        (_startMs, _lastProduced) = (startMs, produced);
    }

    /// <summary>A recorder when the environment asks for one, else null.</summary>
    public static DrainTrace? FromEnvironment(long startMs, long produced) =>
        Environment.GetEnvironmentVariable("N3TTRACE_DRAIN_TRACE") is { Length: > 0 } path ? new DrainTrace(path, startMs, produced) : null;

    public void Turn(long nowMs, long produced, double fill, bool busy, bool drained)
    {
        if (_turns++ >= MaxTurns)
        {
            return;
        }
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{nowMs - _startMs}\t{produced - _lastProduced}\t{fill:0.####}\t{(busy ? 1 : 0)}\t{(drained ? 1 : 0)}"));
        _lastProduced = produced;
    }

    public void Dispose() => _out.Dispose();
}
