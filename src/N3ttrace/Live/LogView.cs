using System.Text;
using Microsoft.Extensions.Logging;

namespace N3ttrace.Cli.Live;

/// <summary>Appends every frame, without ANSI codes, to the rolling log.</summary>
public sealed class LogView(RollingLog log, ILogger logger) : FrameWorker("live-log", logger)
{
    public RollingLog Log => log;

    public static string Text(LiveFrame frame, int width)
    {
        var sb = new StringBuilder();
        foreach (var line in FrameLayout.Lay(frame, width, paused: false))
        {
            sb.Append(line.Text).Append('\n');
        }
        return sb.Append('\n').ToString();
    }

    protected override void Draw(LiveFrame? frame)
    {
        if (frame is not null)
        {
            log.Write(Text(frame, LiveOptions.LogWidth));
        }
    }

    protected override void Close() => log.Dispose();
}
