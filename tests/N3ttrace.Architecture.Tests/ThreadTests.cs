using System.Text.RegularExpressions;

namespace N3ttrace.Architecture.Tests;

/// <summary>
/// One threading style: every long-running loop is a <c>BackgroundLoop</c>, so a raw <c>new Thread(</c> may appear
/// only in the file that defines it. Read from the source files, so a new file is checked without being listed here.
/// </summary>
public partial class ThreadTests
{
    /// <summary>The one place that creates a thread (paths relative to src/, '/'-separated).</summary>
    private const string Owner = "N3ttrace.Core/Threading/BackgroundLoop.cs";

    /// <summary>
    /// Files that still create their own thread, each with why. SyslogForwarder's send loop is converted by the
    /// forwarder spool work (branch spool2, issue #13): the lead removes this entry when that branch merges.
    /// </summary>
    private static readonly string[] Exceptions =
    [
        "N3ttrace.Trail/Forwarding/SyslogForwarder.cs",
    ];

    [GeneratedRegex(@"\bnew\s+Thread\s*\(")]
    private static partial Regex NewThread();

    [Fact]
    public void Only_BackgroundLoop_creates_a_thread()
    {
        var offenders = ThreadCreators().Where(f => f != Owner && !Exceptions.Contains(f)).ToList();
        Assert.True(offenders.Count == 0, $"new Thread( in {string.Join(", ", offenders)}: run the loop as a BackgroundLoop (N3ttrace.Threading) owned by one object, stopped by cancel-then-wait");
    }

    [Fact]
    public void The_checker_finds_real_thread_creations()
    {
        // Guards the test itself: if source files stopped being found or the pattern stopped matching, the rule
        // above would pass on anything.
        var creators = ThreadCreators();
        Assert.Contains(Owner, creators);
        Assert.True(Directory.EnumerateFiles(Src(), "*.cs", SearchOption.AllDirectories).Count() > 100);
    }

    /// <summary>Source files under src/ (build output left out) that contain <c>new Thread(</c>.</summary>
    private static List<string> ThreadCreators()
    {
        var src = Src();
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(src, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part is "obj" or "bin"))
            .Where(f => NewThread().IsMatch(File.ReadAllText(Path.Combine(src, f))))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string Src()
    {
        for (var dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "N3ttrace.sln")))
            {
                return Path.Combine(dir, "src");
            }
        }
        throw new InvalidOperationException($"no N3ttrace.sln above {AppContext.BaseDirectory}");
    }
}
