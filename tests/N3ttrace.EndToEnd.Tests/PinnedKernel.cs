using N3ttrace.Interop;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>
/// A pin directory of a test's own (N3TTRACE_PIN_DIR) for runs that keep their kernel side pinned (the shipped
/// default), so parallel tests never share one. Disposing removes it whatever happened: `n3ttrace unload`, then
/// the directory itself, so no test leaves programs attached.
/// </summary>
internal sealed class PinnedKernel : IDisposable
{
    public string Root { get; } = $"/sys/fs/bpf/n3t-test-{Guid.NewGuid():N}";

    /// <summary>The environment of a persistent run pinned here.</summary>
    public Dictionary<string, string> Env => new() { [Repo.DetachKernelEnv] = "false", [Repo.PinDirEnv] = Root };

    /// <summary>This build's stamp directory (the only entry a run creates).</summary>
    public string? StampDir => Directory.Exists(Root) ? Directory.GetDirectories(Root).SingleOrDefault() : null;

    public Export.CliProcess Unload() => Export.CliProcess.Run("/usr/bin/env", [$"{Repo.PinDirEnv}={Root}", Repo.Cli, "unload"], Path.GetTempPath());

    public void Dispose()
    {
        try
        {
            Unload();
        }
        finally
        {
            Remove(Root);
        }
    }

    private static void Remove(string path)
    {
        if (FileFacts.Of(path) is not { } f)
        {
            return;
        }
        if (f.IsRegular || f.IsSymlink)
        {
            File.Delete(path);
            return;
        }
        foreach (var e in Directory.EnumerateFileSystemEntries(path))
        {
            Remove(e);
        }
        Directory.Delete(path);
    }
}
