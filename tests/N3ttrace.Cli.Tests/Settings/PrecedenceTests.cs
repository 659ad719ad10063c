using System.CommandLine;
using N3ttrace.Cli.Settings;

namespace N3ttrace.Cli.Tests.Settings;

/// <summary>flag &gt; environment &gt; config file &gt; built-in default, on the real command tree.</summary>
public sealed class PrecedenceTests
{
    private static readonly Dictionary<string, string> NoFile = [];

    private static T Value<T>(ParseResult p, string option)
    {
        Assert.Empty(p.Errors);
        var o = p.CommandResult.Command.Options.OfType<Option<T>>().Single(x => x.Name == option);
        return p.GetValue(o)!;
    }

    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        k => vars.FirstOrDefault(v => v.Key == k).Value;

    [Fact]
    public void Flag_beats_environment_beats_file_beats_default()
    {
        var root = Program.CreateRoot();
        var file = new Dictionary<string, string> { ["seal-interval"] = "60", ["state-dir"] = "/from/file" };
        var env = Env(("N3TTRACE_SEAL_INTERVAL", "120"), ("N3TTRACE_STATE_DIR", "/from/env"));

        Assert.Equal(TimeSpan.FromSeconds(900), Value<TimeSpan>(ConfiguredDefaults.Parse(root, ["run"], Env(), NoFile), "--seal-interval"));
        Assert.Equal(TimeSpan.FromSeconds(60), Value<TimeSpan>(ConfiguredDefaults.Parse(root, ["run"], Env(), file), "--seal-interval"));
        Assert.Equal("/from/file", Value<string>(ConfiguredDefaults.Parse(root, ["run"], Env(), file), "--state-dir"));
        Assert.Equal(TimeSpan.FromSeconds(120), Value<TimeSpan>(ConfiguredDefaults.Parse(root, ["run"], env, file), "--seal-interval"));
        Assert.Equal("/from/env", Value<string>(ConfiguredDefaults.Parse(root, ["run"], env, file), "--state-dir"));
        Assert.Equal(TimeSpan.FromSeconds(30), Value<TimeSpan>(ConfiguredDefaults.Parse(root, ["run", "--seal-interval", "30"], env, file), "--seal-interval"));
        Assert.Equal("/flag", Value<string>(ConfiguredDefaults.Parse(root, ["run", "--state-dir", "/flag"], env, file), "--state-dir"));
        Assert.Equal("/flag", Value<string>(ConfiguredDefaults.Parse(root, ["run", "--state-dir=/flag"], env, file), "--state-dir"));
    }

    [Fact]
    public void Every_run_option_can_come_from_the_file_and_the_environment()
    {
        var root = Program.CreateRoot();
        var run = root.Subcommands.Single(c => c.Name == "run");
        var file = new Dictionary<string, string> { ["no-tui"] = "true", ["top"] = "7", ["forward"] = "syslog+tcp://127.0.0.1:6514", ["log-file"] = "" };
        var p = ConfiguredDefaults.Parse(root, ["run"], Env(("N3TTRACE_FALLBACK_PROC", "true"), ("N3TTRACE_VERIFY_KEY_OUT", "/k")), file);
        Assert.True(Value<bool>(p, "--no-tui"));
        Assert.True(Value<bool>(p, "--fallback-proc"));
        Assert.Equal(7, Value<int>(p, "--top"));
        Assert.Equal("", Value<string>(p, "--log-file"));
        Assert.Equal("/k", Value<string?>(p, "--verify-key-out"));
        Assert.Equal("syslog+tcp://127.0.0.1:6514", Value<string?>(p, "--forward"));
        foreach (var o in run.Options.Where(o => o.Name.StartsWith("--", StringComparison.Ordinal) && o.Name != "--help"))
        {
            Assert.StartsWith("N3TTRACE_", ConfiguredDefaults.EnvName(o.Name), StringComparison.Ordinal);
            // a file key is accepted for every run option
            ConfiguredDefaults.Parse(root, ["query"], Env(), new Dictionary<string, string> { [o.Name[2..]] = "x" });
        }
    }

    [Fact]
    public void Reading_commands_take_only_the_state_dir_from_the_configuration()
    {
        var root = Program.CreateRoot();
        var file = new Dictionary<string, string> { ["state-dir"] = "/from/file" };
        var p = ConfiguredDefaults.Parse(root, ["query", "--format", "tsv"], Env(("N3TTRACE_FORMAT", "json")), file);
        Assert.Equal("/from/file", Value<string>(p, "--state-dir"));
        Assert.Equal("tsv", Value<string>(p, "--format"));
        p = ConfiguredDefaults.Parse(root, ["explain", "0123456789abcdef"], Env(("N3TTRACE_STATE_DIR", "/env")), file);
        Assert.Equal("/env", Value<string>(p, "--state-dir"));
    }

    [Fact]
    public void A_bad_configured_value_is_a_parse_error_and_an_unknown_key_is_refused()
    {
        var root = Program.CreateRoot();
        var p = ConfiguredDefaults.Parse(root, ["run"], Env(("N3TTRACE_TOP", "many")), NoFile);
        Assert.NotEmpty(p.Errors);
        var e = Assert.Throws<ConfigException>(() => ConfiguredDefaults.Parse(root, ["run"], Env(), new Dictionary<string, string> { ["colour"] = "red" }));
        Assert.Contains("'colour'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_system_paths_as_root_and_never_the_current_directory()
    {
        Assert.Equal("/var/lib/n3ttrace", SystemDefaults.StateDir(true, Env()));
        Assert.Equal("/var/log/n3ttrace/live.log", SystemDefaults.LogFile(true, Env()));
        Assert.Equal("/x/n3ttrace", SystemDefaults.StateDir(false, Env(("XDG_STATE_HOME", "/x"), ("HOME", "/home/u"))));
        Assert.Equal("/home/u/.local/state/n3ttrace", SystemDefaults.StateDir(false, Env(("HOME", "/home/u"))));
        Assert.Equal("/home/u/.local/state/n3ttrace/live.log", SystemDefaults.LogFile(false, Env(("XDG_STATE_HOME", "relative"), ("HOME", "/home/u"))));
    }

    [Fact]
    public void Config_file_lines_are_parsed_with_their_line_numbers_in_errors()
    {
        var v = ConfigFile.Parse("# comment\n\nstate-dir = /srv/n3t\nlog-file = \"\"\n  top=5  \n", "f");
        Assert.Equal(new Dictionary<string, string> { ["state-dir"] = "/srv/n3t", ["log-file"] = "", ["top"] = "5" }, v);
        Assert.Contains("f:2:", Assert.Throws<ConfigException>(() => ConfigFile.Parse("top = 1\njunk\n", "f")).Message, StringComparison.Ordinal);
        Assert.Contains("set twice", Assert.Throws<ConfigException>(() => ConfigFile.Parse("top = 1\ntop = 2\n", "f")).Message, StringComparison.Ordinal);
        Assert.Contains("without the dashes", Assert.Throws<ConfigException>(() => ConfigFile.Parse("--top = 1\n", "f")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_file_others_can_write_is_refused_as_root()
    {
        var dir = Directory.CreateTempSubdirectory("n3t-conf-").FullName;
        try
        {
            var path = Path.Combine(dir, "n3ttrace.conf");
            File.WriteAllText(path, "top = 3\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite | UnixFileMode.OtherRead);
            if (Interop.Privileges.IsRoot)
            {
                Assert.Throws<ConfigException>(() => ConfigFile.Load(path, required: true));
            }
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Equal("3", ConfigFile.Load(path, required: true)["top"]);
            var link = Path.Combine(dir, "link.conf");
            File.CreateSymbolicLink(link, path);
            Assert.Throws<ConfigException>(() => ConfigFile.Load(link, required: true));
            Assert.Empty(ConfigFile.Load(Path.Combine(dir, "absent"), required: false));
            Assert.Throws<ConfigException>(() => ConfigFile.Load(Path.Combine(dir, "absent"), required: true));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
