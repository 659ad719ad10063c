using System.Diagnostics;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>`n3ttrace explain CONN_ID` on a trail, as a defender would run it for a miss.</summary>
internal static class CliExplain
{
    public static string Run(string connId, string stateDir)
    {
        var psi = new ProcessStartInfo(Repo.Cli) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "explain", connId, "--state-dir", stateDir })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return $"$ n3ttrace explain {connId}   (exit {p.ExitCode})\n{stdout}{stderr.Result}";
    }
}
