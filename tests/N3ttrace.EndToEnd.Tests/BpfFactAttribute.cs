using N3ttrace.Interop;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>
/// A test that loads the real eBPF programs. It runs as root; elsewhere it is skipped, except
/// when N3TTRACE_REQUIRE_BPF=1 (CI), where it always runs and fails if eBPF cannot work.
/// </summary>
public sealed class BpfFactAttribute : FactAttribute
{
    public BpfFactAttribute()
    {
        if (!Required && !Privileges.IsRoot)
        {
            Skip = "needs root to load eBPF programs (set N3TTRACE_REQUIRE_BPF=1 to make this a failure)";
        }
    }

    public static bool Required => Environment.GetEnvironmentVariable("N3TTRACE_REQUIRE_BPF") == "1";
}
