using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>
/// A test run started as a background job of a script (`dotnet test ... &amp;`) inherits SIGINT and SIGQUIT ignored, and every
/// tracer it starts inherits that too: .NET keeps an inherited SIG_IGN, so the tests' Ctrl-C (SIGINT) would never stop
/// a tracer and each stop would time out. The tests stand for a terminal, where SIGINT is never ignored: restore the
/// default before any child is started (children then inherit the default).
/// </summary>
internal static partial class InheritedSignals
{
    private const int SigInt = 2;
    private const int SigQuit = 3;

    [ModuleInitializer]
    internal static void RestoreDefaults()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
            {
                var ignored = Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16);
                foreach (var sig in new[] { SigInt, SigQuit })
                {
                    if ((ignored & (1UL << (sig - 1))) != 0)
                    {
                        _ = Signal(sig, 0); // SIG_DFL
                    }
                }
                return;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int sig, nint handler);
}
