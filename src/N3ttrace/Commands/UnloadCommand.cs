using System.CommandLine;
using N3ttrace.Capture.Ebpf;
using N3ttrace.Interop;

namespace N3ttrace.Cli.Commands;

/// <summary>
/// `n3ttrace unload`: removes the kernel side `run` leaves pinned in the BPF file system (its programs detach,
/// its ring and maps are freed, a backlog nobody drained is lost). Refuses while a `run` is consuming it.
/// </summary>
internal static class UnloadCommand
{
    public static Command Create()
    {
        var cmd = new Command("unload",
            $"Detach the kernel side that 'run' keeps pinned between runs (in {KernelPins.DefaultRoot}) and free its ring buffer and maps; " +
            "records still in the ring are discarded. Stop 'run' first.");
        cmd.SetAction(_ => Run(KernelPins.ConfiguredRoot()));
        return cmd;
    }

    public static int Run(string root)
    {
        if (!Privileges.IsRoot)
        {
            Console.Error.WriteLine("n3ttrace unload needs root: the pins are root's. Try: sudo n3ttrace unload");
            return ExitCodes.Failure;
        }
        try
        {
            var removed = KernelPins.Unload(root);
            Console.WriteLine(removed.Count == 0
                ? $"nothing pinned in {root}"
                : $"unloaded: {string.Join(", ", removed)} (programs detached, ring and maps freed)");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is PinMismatchException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
