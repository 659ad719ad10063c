using N3ttrace.Interop;

namespace N3ttrace.EndToEnd.Tests.Fallback;

/// <summary>
/// A test of /proc capture: it needs root (every process's /proc/PID/fd) but no BPF. Skipped when
/// not root, except under N3TTRACE_REQUIRE_BPF=1 (CI runs as root), where it must run.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!BpfFactAttribute.Required && !Privileges.IsRoot)
        {
            Skip = "needs root to read every process's /proc/PID/fd";
        }
    }
}
