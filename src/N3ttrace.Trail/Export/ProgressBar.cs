using System.Diagnostics;
using System.Globalization;

namespace N3ttrace.Trail.Export;

/// <summary>
/// A one-line progress bar on stderr for work that lasts more than a second, drawn only when stderr is
/// a terminal (never into a log or a pipe), at most ten times a second, and erased when done.
/// </summary>
public sealed class ProgressBar : IDisposable
{
    private const int Width = 30;
    private readonly TextWriter _out;
    private readonly bool _enabled;
    private readonly TimeSpan _delay;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastDraw;
    private bool _drawn;

    public ProgressBar(string label, TextWriter output, bool enabled, TimeSpan? delay = null)
    {
        Label = label;
        _out = output;
        _enabled = enabled;
        _delay = delay ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>What is being done now; one bar (and one one-second delay) covers all the stages of a command.</summary>
    public string Label { get; set; }

    /// <summary>Whether this process's stderr is a terminal that can take carriage returns and erase-line.</summary>
    public static bool StderrIsTerminal =>
        !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is { } t && t != "dumb";

    public static ProgressBar ForStderr(string label) => new(label, Console.Error, StderrIsTerminal);

    public void Report(long done, long total)
    {
        var now = _clock.Elapsed;
        if (!_enabled || now < _delay || (_lastDraw is { } last && now - last < TimeSpan.FromMilliseconds(100)))
        {
            return;
        }
        _lastDraw = now;
        _drawn = true;
        _out.Write(Render(Label, done, total));
        _out.Flush();
    }

    /// <summary>"\r" + "label [#####.....]  45%  12.3/27.0 MiB" + erase to end of line.</summary>
    public static string Render(string label, long done, long total)
    {
        var fraction = total <= 0 ? 0 : Math.Clamp((double)done / total, 0, 1);
        var filled = (int)Math.Round(fraction * Width);
        return string.Create(CultureInfo.InvariantCulture,
            $"\r{label} [{new string('#', filled)}{new string('.', Width - filled)}] {fraction * 100,3:0}%  {done / 1048576.0:0.0}/{total / 1048576.0:0.0} MiB\x1b[K");
    }

    public void Dispose()
    {
        if (_drawn)
        {
            _drawn = false;
            _out.Write("\r\x1b[K");
            _out.Flush();
        }
    }
}
