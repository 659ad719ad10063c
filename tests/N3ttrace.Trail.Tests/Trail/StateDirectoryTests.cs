using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>Running as root, a planted symlink or another user's file must never receive the trail.</summary>
public sealed class StateDirectoryTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("n3t-state-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact]
    public void Creates_the_directory_0700_and_secrets_0600()
    {
        var dir = StateDirectory.Open(Path.Combine(_tmp, "s"), create: true);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir.Path));
        dir.ReadOrCreateSecret(StateDirectory.HostSecretFile);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.FilePath(StateDirectory.HostSecretFile)));
    }

    [Fact]
    public void Refuses_a_state_directory_that_is_a_symlink()
    {
        var real = Directory.CreateDirectory(Path.Combine(_tmp, "elsewhere")).FullName;
        var link = Path.Combine(_tmp, "s");
        File.CreateSymbolicLink(link, real);
        var e = Assert.Throws<StateDirectoryException>(() => StateDirectory.Open(link, create: true));
        Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_trail_file_that_is_a_symlink_and_writes_nothing_through_it()
    {
        var dir = StateDirectory.Open(Path.Combine(_tmp, "s"), create: true);
        var target = Path.Combine(_tmp, "passwd-copy");
        File.WriteAllText(target, "root:x:0:0\n");
        File.CreateSymbolicLink(dir.FilePath(StateDirectory.BirthRecordsFile), target);
        var e = Assert.Throws<StateDirectoryException>(() => new TrailSink(dir));
        Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal);
        Assert.Equal("root:x:0:0\n", File.ReadAllText(target));
        Assert.False(dir.FileExists(SealingKey.FileName), "no sealing key may be made when the start fails");
    }

    [Fact]
    public void Refuses_a_dangling_symlink_for_the_secret()
    {
        var dir = StateDirectory.Open(Path.Combine(_tmp, "s"), create: true);
        var target = Path.Combine(_tmp, "planted");
        File.CreateSymbolicLink(dir.FilePath(StateDirectory.HostSecretFile), target);
        Assert.Throws<StateDirectoryException>(() => dir.ReadOrCreateSecret(StateDirectory.HostSecretFile));
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void Refuses_a_directory_owned_by_another_user()
    {
        Assert.True(N3ttrace.Interop.Privileges.IsRoot, "the tests run as root, like the tracer");
        var path = Directory.CreateDirectory(Path.Combine(_tmp, "s")).FullName;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Chown(path, 65534);
        var e = Assert.Throws<StateDirectoryException>(() => StateDirectory.Open(path, create: true));
        Assert.Contains("owned by uid 65534", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_trail_file_owned_by_another_user()
    {
        var dir = StateDirectory.Open(Path.Combine(_tmp, "s"), create: true);
        var f = dir.FilePath(StateDirectory.TimelineFile);
        File.WriteAllText(f, "");
        Chown(f, 65534);
        var e = Assert.Throws<StateDirectoryException>(() => new TrailSink(dir));
        Assert.Contains("owned by uid 65534", e.Message, StringComparison.Ordinal);
    }

    private static void Chown(string path, int uid)
    {
        using var p = System.Diagnostics.Process.Start("chown", [uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path])!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }
}
