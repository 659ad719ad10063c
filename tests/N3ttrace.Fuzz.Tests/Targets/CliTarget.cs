using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text;
using System.Text.RegularExpressions;
using N3ttrace.Cli;
using N3ttrace.Cli.Settings;
using N3ttrace.Fuzz.Tests.Harness;
using N3ttrace.Fuzz.Tests.Seeds;

namespace N3ttrace.Fuzz.Tests.Targets;

/// <summary>
/// Whole command lines (one argument per line of the input) through the real root command, as Main runs them:
/// configured defaults, parse errors, then the command itself on a real trail. Exit code 0, 1 or 2; no exception
/// escapes (the default handler, which would print a stack trace, is off); no stack trace in the output.
/// `run`, `tail`, `doctor` and `unload` are parsed only: they attach to the kernel, follow forever or remove pins;
/// so are `ship`, every `fleet` command and `verify --against`: a mutated command line never connects to a network.
/// </summary>
public sealed partial class CliTarget : IFuzzTarget, IDisposable
{
    private static readonly string[] ParseOnly = ["run", "tail", "doctor", "unload", "ship", "fleet"];

    private readonly SeedTrail _trail;
    private readonly string _work;
    private readonly string _bundle;

    public CliTarget() : this(format1: false)
    {
    }

    /// <summary>On a seed trail of that format, with a bundle exported from it by the real `export`.</summary>
    public CliTarget(bool format1)
    {
        _trail = new SeedTrail(format1, events: 150);
        _work = Directory.CreateTempSubdirectory("n3t-fuzz-cli-").FullName;
        _bundle = Path.Combine(_work, "seed.tar.gz");
        var (code, output) = Invoke(["export", "--since", "2026-03-01T00:00:00Z", "--until", "2026-03-02T00:00:00Z", "-o", _bundle]);
        if (code != 0)
        {
            throw new InvalidOperationException($"export of the seed trail failed: {output}");
        }
    }

    public string Name => "cli";

    public byte[] SeedBundle => File.ReadAllBytes(_bundle);

    public Trail.VerifyKey Key => _trail.Key;

    public IEnumerable<byte[]> GeneratedSeeds() => [];

    public void Execute(byte[] input)
    {
        var args = Encoding.UTF8.GetString(input).Split('\n').Select(Sanitize).ToArray();
        var (code, output) = Invoke(args);
        if (code is not (0 or 1 or 2))
        {
            throw new FuzzFinding($"exit {code} for [{string.Join(' ', args)}]");
        }
        if (StackTrace().IsMatch(output))
        {
            throw new FuzzFinding($"stack trace in the output of [{string.Join(' ', args)}]: {output[..Math.Min(output.Length, 2000)]}");
        }
    }

    /// <summary>Main, minus the config file: exit code and everything written to stdout and stderr.</summary>
    public (int Code, string Output) Invoke(string[] args)
    {
        var stdout = Console.Out;
        var stderr = Console.Error;
        var stdin = Console.In;
        var cwd = Environment.CurrentDirectory;
        var captured = new StringWriter();
        Console.SetOut(captured);
        Console.SetError(captured);
        Console.SetIn(new StringReader("1.2.3.4:443\n[::1]:22\n"));
        Environment.CurrentDirectory = _work;
        try
        {
            return (Main(args), captured.ToString());
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
            Console.SetOut(stdout);
            Console.SetError(stderr);
            Console.SetIn(stdin);
        }
    }

    private int Main(string[] args)
    {
        var root = Program.CreateRoot();
        ParseResult parse;
        try
        {
            parse = ConfiguredDefaults.Parse(root, args, Env, new Dictionary<string, string>());
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return 2;
        }
        if (parse.Errors.Count > 0 && !Cli.Commands.CommandExamples.IsHelp(parse))
        {
            foreach (var e in parse.Errors)
            {
                Console.Error.WriteLine($"n3ttrace: {e.Message}");
            }
            return 2;
        }
        if (IsParseOnly(parse) && !Cli.Commands.CommandExamples.IsHelp(parse))
        {
            return 0;
        }
        return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = Console.Out, Error = Console.Error });
    }

    /// <summary>By the first command word (`fleet query` is `fleet`, not the local `query`), and `verify` given a
    /// ClickHouse to compare with.</summary>
    public static bool IsParseOnly(ParseResult parse)
    {
        var c = parse.CommandResult;
        while (c.Parent is CommandResult p && p.Parent is not null)
        {
            c = p;
        }
        return ParseOnly.Contains(c.Command.Name)
            || (c.Command.Name == "verify" && parse.CommandResult.Children.OfType<OptionResult>().Any(o => o.Option.Name == "--against"));
    }

    private string? Env(string name) => name == ConfiguredDefaults.EnvName("--state-dir") ? _trail.Dir.Path : null;

    /// <summary>
    /// Placeholders become the seed trail's facts; a path may only name a file in the work directory or the seed trail's directory,
    /// because `export -o` writes files and this runs as root.
    /// </summary>
    private string Sanitize(string arg)
    {
        // argv cannot hold a NUL (the kernel passes C strings); the config file path is covered by --state-dir's check.
        arg = arg.Replace("\0", "", StringComparison.Ordinal).Replace("@KEY@", _trail.Key.ToString(), StringComparison.Ordinal)
            .Replace("@CONN@", _trail.FirstConnId, StringComparison.Ordinal)
            .Replace("@STATE@", _trail.Dir.Path, StringComparison.Ordinal)
            .Replace("@BUNDLE@", _bundle, StringComparison.Ordinal)
            .Replace("@WORK@", _work, StringComparison.Ordinal)
            .Replace("..", ".", StringComparison.Ordinal);
        if (arg.Contains('/') && arg != _trail.Dir.Path && arg != "@" + _work && !arg.StartsWith(_work + "/", StringComparison.Ordinal))
        {
            arg = arg.Replace('/', '_');
        }
        return arg.Replace("~", "_", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\s+at \S+\(|Unhandled exception|\bException: .*\n\s+at ", RegexOptions.Multiline)]
    private static partial Regex StackTrace();

    public void Dispose()
    {
        _trail.Dispose();
        Directory.Delete(_work, recursive: true);
    }
}
