namespace N3ttrace.EndToEnd.Tests;

internal static class Repo
{
    /// <summary>
    /// Tests start many tracers in parallel, and a `run` pins its kernel side in one place by default: each would find
    /// another holding it. So every run a test starts detaches its kernel side at exit (as before pinning existed),
    /// unless the test asks for persistence with its own N3TTRACE_PIN_DIR (<see cref="PinnedKernel"/>).
    /// </summary>
    static Repo()
    {
        if (Environment.GetEnvironmentVariable(DetachKernelEnv) is null)
        {
            Environment.SetEnvironmentVariable(DetachKernelEnv, "true");
        }
        // Never near an operator's pins: a detaching run would take over (and remove) a kernel side it finds.
        if (Environment.GetEnvironmentVariable(PinDirEnv) is null)
        {
            Environment.SetEnvironmentVariable(PinDirEnv, $"/sys/fs/bpf/n3t-tests-none-{Environment.ProcessId}");
        }
    }

    public const string DetachKernelEnv = "N3TTRACE_DETACH_KERNEL";
    public const string PinDirEnv = "N3TTRACE_PIN_DIR";

    public static string Root { get; } = FindRoot();

    /// <summary>The CLI `make build` leaves behind; tests run the real program.</summary>
    public static string Cli
    {
        get
        {
            var path = Path.Combine(Root, "bin", ".app", "n3ttrace");
            Assert.True(File.Exists(path), $"{path} missing: run `make build` first");
            return path;
        }
    }

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "N3ttrace.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        }
        return dir;
    }
}
