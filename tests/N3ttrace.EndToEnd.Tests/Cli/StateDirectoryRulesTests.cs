using System.Diagnostics;
using System.Globalization;
using N3ttrace.EndToEnd.Tests.Export;
using Xunit.Abstractions;

namespace N3ttrace.EndToEnd.Tests.Cli;

/// <summary>
/// [integrity] Contract 7 for every command that reads a state directory: a symlink or a file another user owns
/// anywhere in it is refused with one line on stderr and exit 1 (docs/configuration.md), before anything is read,
/// by verify, query, at, explain, tail, export, hash-endpoint and run with a forwarder alike.
/// </summary>
public sealed class StateDirectoryRulesTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("n3t-rules-e2e-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string Pristine => Path.Combine(_dir, "pristine");

    /// <summary>A real trail: a short run of the /proc capture (no kernel side needed), one connection in it.</summary>
    private void MakeTrail()
    {
        var r = CliProcess.Run("/usr/bin/env", [$"{Repo.DetachKernelEnv}=true", Repo.Cli, "run", "--no-tui", "--fallback-proc", "--duration", "2s",
            "--state-dir", Pristine, "--log-file", "", "--verify-key-out", Path.Combine(_dir, "vk")], _dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(Path.Combine(Pristine, "birth_records.tsv")), r.ToString());
    }

    private string[][] Commands(string state) =>
    [
        ["verify", "--state-dir", state],
        ["verify", "--state-dir", state, "--verify-key", File.ReadAllText(Path.Combine(_dir, "vk")).Trim()],
        ["query", "--state-dir", state],
        ["at", "now", "--state-dir", state],
        ["explain", "0123456789abcdef", "--state-dir", state],
        ["tail", "--state-dir", state, "--no-follow", "--since", "-5m"],
        ["export", "--state-dir", state, "--since", "-1h", "--format", "jsonl", "-o", Path.Combine(_dir, $"out-{Guid.NewGuid():N}.jsonl")],
        ["hash-endpoint", "192.0.2.1:443", "--state-dir", state],
        ["run", "--no-tui", "--fallback-proc", "--duration", "1s", "--state-dir", state, "--log-file", "",
         "--forward", "syslog+tcp://127.0.0.1:9"],
    ];

    /// <summary>A fresh copy of the trail (owners kept), changed by <paramref name="plant"/>.</summary>
    private string Copy(string name, Action<string> plant)
    {
        var state = Path.Combine(_dir, name);
        Run("cp", "-a", Pristine, state);
        plant(state);
        return state;
    }

    private static void Run(string program, params string[] args)
    {
        var r = CliProcess.Run(program, args);
        Assert.True(r.ExitCode == 0, $"{program} {string.Join(' ', args)}: {r}");
    }

    public static TheoryData<string, string> Plants => new()
    {
        { "symlinked-timeline", "symbolic link" },
        { "symlinked-births", "symbolic link" },
        { "symlink-to-shadow", "symbolic link" },
        { "foreign-births", "owned by uid 65534" },
        { "foreign-checkpoints", "owned by uid 65534" },
        { "foreign-seal-key", "owned by uid 65534" },
        { "foreign-new-file", "owned by uid 65534" },
    };

    private static void Plant(string kind, string state)
    {
        string F(string n) => Path.Combine(state, n);
        switch (kind)
        {
            case "symlinked-timeline":
            case "symlinked-births":
                var name = kind == "symlinked-timeline" ? "snapshots.tsv" : "birth_records.tsv";
                var elsewhere = F("../" + Path.GetFileName(state) + "-" + name);
                File.Move(F(name), elsewhere);
                File.CreateSymbolicLink(F(name), elsewhere);
                break;
            case "symlink-to-shadow":
                File.CreateSymbolicLink(F("segment-0001.tsv"), "/etc/shadow");
                break;
            case "foreign-births":
                Run("chown", "65534", F("birth_records.tsv"));
                break;
            case "foreign-checkpoints":
                Run("chown", "65534", F("checkpoints.tsv"));
                break;
            case "foreign-seal-key":
                Run("chown", "65534", F("seal.key"));
                break;
            case "foreign-new-file":
                File.WriteAllText(F("notes.txt"), "planted\n");
                Run("chown", "65534", F("notes.txt"));
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Plants))]
    public void Every_reader_refuses_the_state_directory_with_one_line_and_exit_1(string kind, string expected)
    {
        Assert.True(N3ttrace.Interop.Privileges.IsRoot, "the tests run as root, like the tracer");
        MakeTrail();
        var state = Copy(kind, s => Plant(kind, s));
        var before = Snapshot(state);
        foreach (var args in Commands(state))
        {
            var r = CliProcess.N3ttrace(_dir, args);
            output.WriteLine($"{kind}: n3ttrace {args[0]} -> exit {r.ExitCode.ToString(CultureInfo.InvariantCulture)}: {r.Stderr.Trim()}");
            Assert.True(r.ExitCode == 1, $"{kind}: {string.Join(' ', args)}\n{r}");
            var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 1, $"{kind}: {string.Join(' ', args)}: not one line\n{r}");
            Assert.Contains(expected, lines[0], StringComparison.Ordinal);
            Assert.StartsWith("n3ttrace", lines[0], StringComparison.Ordinal);
            Assert.True(r.Stdout.Length == 0, $"{kind}: {string.Join(' ', args)} printed an answer\n{r}");
        }
        // Refused before anything was written: the state directory is as planted.
        Assert.Equal(before, Snapshot(state));
    }

    [Fact]
    public void The_untouched_trail_is_read_by_every_command()
    {
        MakeTrail();
        var state = Copy("clean", _ => { });
        foreach (var args in Commands(state).Where(a => a[0] is not "run" and not "explain"))
        {
            var r = CliProcess.N3ttrace(_dir, args);
            Assert.True(r.ExitCode == 0, $"{string.Join(' ', args)}\n{r}");
        }
    }

    private static string Snapshot(string state) => string.Join('\n', Directory.GetFileSystemEntries(state).Order(StringComparer.Ordinal)
        .Select(p => $"{Path.GetFileName(p)} {new FileInfo(p).Length.ToString(CultureInfo.InvariantCulture)} {File.GetLastWriteTimeUtc(p).Ticks.ToString(CultureInfo.InvariantCulture)}"));
}
