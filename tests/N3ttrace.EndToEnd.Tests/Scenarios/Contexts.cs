using System.Diagnostics;

namespace N3ttrace.EndToEnd.Tests.Scenarios;

/// <summary>
/// Real execution contexts without systemd: a cgroup v2 directory named like a systemd unit
/// (the unified hierarchy is writable as root), a login identity written to /proc/self/loginuid
/// before exec, and a real terminal from a private tmux server.
/// </summary>
internal static class Contexts
{
    public static string UnifiedRoot { get; } = Capture.Proc.ProcFs.CgroupPaths.FindUnifiedMount() ?? throw new InvalidOperationException("no cgroup2 mount");

    /// <summary>Creates the cgroup (e.g. "system.slice/n3t-x.service") and returns its absolute path.</summary>
    public static string Cgroup(string relative)
    {
        var path = Path.Combine(UnifiedRoot, relative);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Removes a cgroup once its processes are gone (best effort: rmdir fails while any remain).</summary>
    public static void RemoveCgroup(string path)
    {
        for (var i = 0; i < 20 && Directory.Exists(path); i++)
        {
            try
            {
                Directory.Delete(path);
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>argv that first moves the shell into cgroupPath, then execs argv (the program starts inside the unit).</summary>
    public static string[] InCgroup(string cgroupPath, params string[] argv) =>
        ["/bin/sh", "-c", "echo $$ > \"$1/cgroup.procs\" && shift && exec \"$@\"", "sh", cgroupPath, .. argv];

    /// <summary>argv that gives the program a login identity (auid) before exec, as pam_loginuid does at login.</summary>
    public static string[] WithLoginUid(int uid, params string[] argv) =>
        ["/bin/sh", "-c", $"echo {uid} > /proc/self/loginuid && exec \"$@\"", "sh", .. argv];

    public static Process Start(IReadOnlyList<string> argv, string? cwd = null)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = cwd ?? Path.GetTempPath(),
        };
        foreach (var a in argv.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, string? cwd = null)
    {
        using var p = Start(argv, cwd);
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            return -1;
        }
        return p.ExitCode;
    }

    /// <summary>Runs a shell command line in a detached session of a private tmux server: it gets a real pty.</summary>
    public static async Task TmuxAsync(string socket, string command, TimeSpan timeout)
    {
        Assert.Equal(0, await RunAsync(["/usr/bin/tmux", "-S", socket, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "30", command], TimeSpan.FromSeconds(10)));
        var deadline = DateTime.UtcNow + timeout;
        // The session ends when its command exits; has-session fails then.
        while (DateTime.UtcNow < deadline && await RunAsync(["/usr/bin/tmux", "-S", socket, "has-session"], TimeSpan.FromSeconds(5)) == 0)
        {
            await Task.Delay(200);
        }
    }

    public static async Task KillTmuxAsync(string socket)
    {
        await RunAsync(["/usr/bin/tmux", "-S", socket, "kill-server"], TimeSpan.FromSeconds(5));
        File.Delete(socket);
    }
}
