namespace N3ttrace.Cli.Settings;

/// <summary>
/// Built-in defaults, the last step of flag &gt; environment &gt; file &gt; default. As root (a system tool, what the
/// systemd unit uses) the trail lives in /var/lib/n3ttrace and the live log in /var/log/n3ttrace; for another user
/// under $XDG_STATE_HOME (or ~/.local/state). Never the current directory unless asked (--state-dir .).
/// </summary>
internal static class SystemDefaults
{
    public const string RootStateDir = "/var/lib/n3ttrace";
    public const string RootLogFile = "/var/log/n3ttrace/live.log";
    public const string ConfigFile = "/etc/n3ttrace/n3ttrace.conf";

    public static string StateDir(bool root, Func<string, string?> env) =>
        root ? RootStateDir : Path.Combine(UserStateHome(env), "n3ttrace");

    public static string LogFile(bool root, Func<string, string?> env) =>
        root ? RootLogFile : Path.Combine(UserStateHome(env), "n3ttrace", "live.log");

    private static string UserStateHome(Func<string, string?> env)
    {
        if (env("XDG_STATE_HOME") is { Length: > 0 } x && Path.IsPathRooted(x))
        {
            return x;
        }
        var home = env("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".local", "state");
    }
}
