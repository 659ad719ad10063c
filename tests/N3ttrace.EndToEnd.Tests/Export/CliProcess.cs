using System.Diagnostics;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>Runs a program to completion and keeps what it printed.</summary>
internal sealed record CliProcess(int ExitCode, string Stdout, string Stderr)
{
    public static CliProcess Run(string program, IEnumerable<string> args, string? cwd = null, int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = cwd ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        return new CliProcess(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static CliProcess N3ttrace(string cwd, params string[] args) => Run(Repo.Cli, args, cwd);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
