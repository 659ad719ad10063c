using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace N3ttrace.Cli.Commands;

/// <summary>The examples every --help ends with, and the help action that prints them after the generated text.</summary>
internal static class CommandExamples
{
    private static readonly Dictionary<string, string[]> ByCommand = new(StringComparer.Ordinal)
    {
        ["n3ttrace"] =
        [
            "sudo n3ttrace run                          # trace live (state /var/lib/n3ttrace, log /var/log/n3ttrace/live.log)",
            "sudo n3ttrace query --level THREAT --since -1h",
            "sudo n3ttrace explain 3f2a9c0d11b2e4f7      # why a connection got its level",
            "sudo n3ttrace at \"yesterday 14:32\"          # what the host was connected to then",
        ],
        ["run"] =
        [
            "sudo n3ttrace run",
            "sudo n3ttrace run --no-tui --duration 10m --verify-key-out /root/verify.key",
            "sudo n3ttrace run --state-dir . --log-file ''   # trail in the current directory, no log",
            "sudo n3ttrace run --forward syslog+tcp://collector.example:514",
            "sudo n3ttrace run --forward syslog+tls://collector.example:6514 --forward-ca /etc/n3ttrace/collector-ca.pem",
            "N3TTRACE_STATE_DIR=/srv/n3t sudo -E n3ttrace run  # or state-dir = /srv/n3t in /etc/n3ttrace/n3ttrace.conf",
            "sudo n3ttrace run --detach-kernel               # do not keep the kernel side pinned after this run",
            "sudo n3ttrace run --retain 30 --max-disk 500M    # keep 30 days, at most 500 MiB (0 for no limit)",
        ],
        ["doctor"] = ["sudo n3ttrace doctor"],
        ["hash-endpoint"] =
        [
            "sudo n3ttrace hash-endpoint 203.0.113.7:443",
            "sudo n3ttrace hash-endpoint 203.0.113.7 --ports 22,443,8000-8100",
            "sudo n3ttrace hash-endpoint '[2001:db8::1]:443'",
            "printf '198.51.100.4:22\\n203.0.113.7\\n' | sudo n3ttrace hash-endpoint - --ports 443",
        ],
        ["verify"] =
        [
            "sudo n3ttrace verify",
            "sudo n3ttrace verify --verify-key n3v1-...",
            "n3ttrace verify --bundle case-7.tar.gz --verify-key n3v1-...",
        ],
        ["at"] =
        [
            "sudo n3ttrace at \"yesterday 14:32\"",
            "sudo n3ttrace at 2026-11-27T14:32:00Z --format json",
            "sudo n3ttrace at --since -2h --until -1h -o alive.tsv --format tsv",
        ],
        ["query"] =
        [
            "sudo n3ttrace query --level THREAT --since -24h",
            "sudo n3ttrace query --port 4444 --format json",
            "sudo n3ttrace query --comm 'python*' --uid 1000 --since today --until now",
            "sudo n3ttrace query --remote-hash $(sudo n3ttrace hash-endpoint 203.0.113.7:443 | awk '$1==\"remote_hash\"{print $2}')",
        ],
        ["tail"] =
        [
            "sudo n3ttrace tail",
            "sudo n3ttrace tail --level ANOMALY",
            "sudo n3ttrace tail --comm 'python*' --port 443 --format json",
            "sudo n3ttrace tail --since -10m --no-follow --format ocsf",
        ],
        ["explain"] = ["sudo n3ttrace explain 3f2a9c0d11b2e4f7"],
        ["export"] =
        [
            "sudo n3ttrace export --since -24h -o case-7.tar.gz --case-id CASE-7 --examiner 'A. Examiner'",
            "sudo n3ttrace export --since '2026-11-27 14:00' --until '2026-11-27 15:00' --format ocsf -o - | jq .",
        ],
        ["unload"] = ["sudo systemctl stop n3ttrace && sudo n3ttrace unload   # detach the kernel side run keeps pinned"],
        ["completions"] =
        [
            "n3ttrace completions bash | sudo tee /etc/bash_completion.d/n3ttrace",
            "n3ttrace completions zsh > \"${fpath[1]}/_n3ttrace\"",
        ],
        ["man"] = ["n3ttrace man | man -l -", "n3ttrace man | sudo tee /usr/local/share/man/man1/n3ttrace.1"],
        ["ship"] =
        [
            "sudo n3ttrace fleet init --clickhouse clickhouse://ch.example:8123/n3ttrace",
            "sudo n3ttrace ship --clickhouse clickhouse://ch.example:8123/n3ttrace      # a stopped trail, from its cursor",
            "sudo n3ttrace run --ship clickhouse://ch.example:8123/n3ttrace              # ship while tracing",
        ],
        ["fleet"] =
        [
            "n3ttrace fleet init --clickhouse clickhouse://ch.example:8123/n3ttrace",
            "n3ttrace fleet query --clickhouse clickhouse://ch.example/n3ttrace --level THREAT --since -24h",
            "n3ttrace fleet query --clickhouse clickhouse://ch.example/n3ttrace --remote 203.0.113.7:443 --endpoint-key /etc/n3ttrace/fleet.key --since -7d",
            "n3ttrace fleet at \"yesterday 14:32\" --clickhouse clickhouse://ch.example/n3ttrace --host 'web*'",
            "n3ttrace fleet top --clickhouse clickhouse://ch.example/n3ttrace --level THREAT --since -24h",
            "n3ttrace fleet ddl --cluster fleet > fleet.sql",
        ],
        ["top"] = ["n3ttrace fleet top --clickhouse clickhouse://ch.example/n3ttrace --level THREAT --since -24h"],
        ["init"] = ["n3ttrace fleet init --clickhouse clickhouse://ch.example:8123/n3ttrace"],
        ["ddl"] = ["n3ttrace fleet ddl", "n3ttrace fleet ddl --cluster fleet | clickhouse-client --multiquery"],
        ["dev-trail"] = ["n3ttrace dev-trail --state-dir /tmp/t --events 10000"],
    };

    /// <summary>Puts the examples after the help of every command.</summary>
    public static void Attach(RootCommand root)
    {
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction inner)
            {
                help.Action = new WithExamples(inner);
            }
        }
    }

    /// <summary>True when the command line asks for help: missing required values must not stop that.</summary>
    public static bool IsHelp(ParseResult p) => p.Action is WithExamples or HelpAction;

    public static IReadOnlyList<string> For(string command) => ByCommand.TryGetValue(command, out var e) ? e : [];

    private sealed class WithExamples(HelpAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var rc = inner.Invoke(parseResult);
            var examples = For(parseResult.CommandResult.Command.Name);
            if (examples.Count > 0)
            {
                var w = parseResult.InvocationConfiguration.Output;
                w.WriteLine("Examples:");
                foreach (var e in examples)
                {
                    w.WriteLine("  " + e);
                }
                w.WriteLine();
                w.WriteLine("Exit status: 0 ok; 1 damaged trail, no trail, or nothing to explain or export; 2 usage error. A search that finds nothing is 0.");
                w.WriteLine();
            }
            return rc;
        }
    }
}
