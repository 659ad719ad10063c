using System.Diagnostics;

namespace N3ttrace.EndToEnd.Tests.Live;

/// <summary>A real terminal: a tmux server of its own (private socket), one session, killed on dispose.</summary>
internal sealed class TmuxSession : IDisposable
{
    private readonly string _socket = $"n3t-live-{Guid.NewGuid():N}"[..20];

    public const string Name = "live";

    public TmuxSession(int width, int height, string dir, params string[] command)
    {
        Run(["new-session", "-d", "-s", Name, "-x", width.ToString(), "-y", height.ToString(), "-c", dir, .. command]);
    }

    public string Run(params string[] args)
    {
        var psi = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-L");
        psi.ArgumentList.Add(_socket);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"tmux {string.Join(' ', args)}: {stderr}");
        return stdout;
    }

    /// <summary>The pane as tmux shows it; with escapes, attributes come back as SGR codes.</summary>
    public string Capture(bool escapes) => escapes ? Run("capture-pane", "-p", "-e", "-t", Name) : Run("capture-pane", "-p", "-t", Name);

    public void Keys(string keys) => Run("send-keys", "-t", Name, keys);

    public void Dispose()
    {
        try
        {
            Run("kill-server");
        }
        catch (Exception)
        {
            // already gone
        }
    }
}
