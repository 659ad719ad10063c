using System.CommandLine;
using System.Diagnostics;
using N3ttrace.Cli.Reference;

namespace N3ttrace.Cli.Tests.Reference;

/// <summary>The completion scripts and the man page come from the same command tree: every command and option is in all three, and the real bash and groff accept them.</summary>
public sealed class CompletionAndManTests
{
    private static readonly RootCommand Root = Program.CreateRoot();

    public static IEnumerable<object[]> Commands() => Root.Subcommands.Where(c => !c.Hidden).Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_command_and_option_appears_in_bash_zsh_and_the_man_page(string name)
    {
        var command = Root.Subcommands.Single(c => c.Name == name);
        var bash = BashCompletion.Script(Root);
        var zsh = ZshCompletion.Script(Root);
        var man = ManPage.Render(Root);
        Assert.Contains($"'{name}'", bash, StringComparison.Ordinal);
        Assert.Contains($"'{name}:", zsh, StringComparison.Ordinal);
        Assert.Contains($".SS \"{ManPage.Escape(name)}\"", man, StringComparison.Ordinal);
        var options = command.Options.Where(o => !o.Hidden).SelectMany(o => new[] { o.Name }.Concat(o.Aliases)).ToList();
        var section = Section(man, name);
        foreach (var option in options.Append("--help"))
        {
            Assert.Contains($" {option} ", CompletionWords(bash, name), StringComparison.Ordinal);
            Assert.Contains($"'{option}[", zsh, StringComparison.Ordinal);
            Assert.Contains($"\\fB{ManPage.Escape(option)}\\fR", section, StringComparison.Ordinal);
        }
        foreach (var argument in command.Arguments)
        {
            Assert.Contains($".I {ManPage.Escape(argument.Name)}", section, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Bash_completes_commands_options_and_fixed_values_with_the_generated_script()
    {
        Assert.Equal(["run"], Complete("n3ttrace", "ru"));
        Assert.Equal(["completions"], Complete("n3ttrace", "compl"));
        Assert.Equal(["--forward-ca", "--forward-cert"], Complete("n3ttrace", "run", "--forward-c"));
        Assert.Equal(["bundle", "jsonl", "ocsf"], Complete("n3ttrace", "export", "--format", ""));
        Assert.Equal(["ANOMALY"], Complete("n3ttrace", "tail", "--level", "AN"));
        Assert.Empty(Complete("n3ttrace", "run", "--forward-ca", "--")); // a path: bash's own file completion takes over
    }

    [Fact]
    public void Zsh_parses_the_generated_function_and_dispatches_to_the_commands_arguments()
    {
        var run = Zsh("ru", "n3ttrace", "ru");
        Assert.Contains("run:Trace every connection of this host", run, StringComparison.Ordinal);
        Assert.Contains("completions:", run, StringComparison.Ordinal);
        var options = Zsh("--forward-c", "n3ttrace", "run", "--forward-c");
        Assert.StartsWith("ARGS -s ", options, StringComparison.Ordinal);
        Assert.Contains("--forward-ca[syslog+tls: PEM bundle of the CA certificates", options, StringComparison.Ordinal);
        Assert.Contains("--format[", Zsh("", "n3ttrace", "export", "--format", ""), StringComparison.Ordinal);
        Assert.Contains(":FORMAT:(bundle jsonl ocsf)", Zsh("", "n3ttrace", "export", "--format", ""), StringComparison.Ordinal);
        Assert.Contains("--version[", Zsh("--", "n3ttrace", "--"), StringComparison.Ordinal);
    }

    [Fact]
    public void Groff_renders_the_man_page_without_a_warning()
    {
        var psi = new ProcessStartInfo("/usr/bin/groff", ["-man", "-Tutf8", "-ww", "-z"]) { RedirectStandardInput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(ManPage.Render(Root));
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void The_commands_print_what_the_generators_make()
    {
        foreach (var (args, expected) in new[] { (new[] { "completions", "bash" }, BashCompletion.Script(Root)), (["completions", "zsh"], ZshCompletion.Script(Root)), (["man"], ManPage.Render(Root)) })
        {
            var output = new StringWriter();
            var rc = Program.CreateRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output });
            Assert.Equal(0, rc);
            Assert.Equal(expected, output.ToString());
        }
        Assert.NotEmpty(Program.CreateRoot().Parse(["completions", "fish"]).Errors);
    }

    /// <summary>The man page from a command's .SS heading to the next.</summary>
    private static string Section(string man, string command)
    {
        var start = man.IndexOf($".SS \"{ManPage.Escape(command)}\"", StringComparison.Ordinal);
        var next = man.IndexOf(".SS ", start + 4, StringComparison.Ordinal);
        return next < 0 ? man[start..] : man[start..next];
    }

    /// <summary>The word list the bash script offers after `n3ttrace COMMAND`, padded with spaces.</summary>
    private static string CompletionWords(string bash, string command)
    {
        var start = bash.IndexOf($"        '{command}')", StringComparison.Ordinal);
        var line = bash[start..].Split('\n').First(l => l.Contains("compgen -W", StringComparison.Ordinal) && l.TrimEnd().EndsWith(";;", StringComparison.Ordinal) && !l.Contains("return", StringComparison.Ordinal));
        var words = line[(line.IndexOf('\'', StringComparison.Ordinal) + 1)..line.LastIndexOf('\'')];
        return $" {words} ";
    }

    /// <summary>
    /// Loads the generated function in a real zsh (after a syntax check) with _arguments and _describe replaced by
    /// functions that print what they were given: the dispatch is ours, the completion engine zsh's.
    /// </summary>
    private static string Zsh(string prefix, params string[] words)
    {
        var dir = Directory.CreateTempSubdirectory("n3t-compl-").FullName;
        try
        {
            var script = Path.Combine(dir, "_n3ttrace");
            File.WriteAllText(script, ZshCompletion.Script(Root));
            var check = Process.Start(new ProcessStartInfo("/usr/bin/zsh", ["-n", script]) { RedirectStandardError = true })!;
            var checkErr = check.StandardError.ReadToEnd();
            check.WaitForExit();
            Assert.True(check.ExitCode == 0, checkErr);
            var psi = new ProcessStartInfo("/usr/bin/zsh", ["-f", "-c",
                "_arguments() { print -r -- \"ARGS $*\" }; _describe() { print -rl -- \"${(@P)4}\" }; _files() { }; " +
                "script=$1; PREFIX=$2; shift 2; words=(\"$@\"); CURRENT=$#; source $script", "zsh", script, prefix, .. words])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEnd();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0 && stderr.Length == 0, stderr);
            return stdout;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs the generated script in a real bash: COMP_WORDS as typed, returns COMPREPLY sorted.</summary>
    private static List<string> Complete(params string[] words)
    {
        var dir = Directory.CreateTempSubdirectory("n3t-compl-").FullName;
        try
        {
            var script = Path.Combine(dir, "n3ttrace.bash");
            File.WriteAllText(script, BashCompletion.Script(Root));
            var psi = new ProcessStartInfo("/usr/bin/bash", ["--norc", "--noprofile", "-c",
                "source \"$0\"; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _n3ttrace; printf '%s\\n' \"${COMPREPLY[@]}\"", script, .. words])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEnd();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0 && stderr.Length == 0, stderr);
            return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
