using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using N3ttrace.Capture.Ebpf;
using N3ttrace.Interop;

namespace N3ttrace.Cli.Commands;

/// <summary>`n3ttrace doctor`: what this kernel offers and which mode `run` would use.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var cmd = new Command("doctor", "Report what this kernel offers (BTF, tracepoints, tp_btf, raw_tp, ring buffer, fentry, kprobe), which hooks attach (each tracepoint and cgroup program) and which capture mode `run` would use.");
        var stateDir = CommonOptions.StateDir();
        cmd.Options.Add(stateDir);
        cmd.SetAction(p => Run(p.GetValue(stateDir)!));
        return cmd;
    }

    private static int Run(string stateDir)
    {
        var report = KernelProbe.Run(NullLogger.Instance);
        foreach (var (name, ok, detail) in report.Checks)
        {
            Console.WriteLine($"{name,-22} {(ok ? "yes" : "no "),-4} {detail}");
        }
        Console.WriteLine();
        Console.WriteLine($"run would use: {report.Mode}");
        FallbackDoctor.Print();
        TrailDoctor.Print(stateDir);
        if (!Privileges.IsRoot)
        {
            Console.WriteLine("note: not running as root; BPF checks need root and report 'no' here.");
        }
        return ExitCodes.Ok;
    }
}
