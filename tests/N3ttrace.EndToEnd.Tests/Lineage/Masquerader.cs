using System.Diagnostics;

namespace N3ttrace.EndToEnd.Tests.Lineage;

/// <summary>
/// A small C program compiled for the test, doing what malware does to look like something
/// else after exec: overwrite its argv in memory, delete its own executable. Then it connects
/// once to 127.0.0.1:PORT and exits. Usage: masq MODE PORT MARKER (MODE: plain, overwrite, delete).
/// </summary>
internal static class Masquerader
{
    private const string Source = """
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	if (argc < 4) return 2;
	int port = atoi(argv[2]);
	if (!strcmp(argv[1], "overwrite")) {
		/* The whole argv area becomes a fake kernel-thread name, as ps would then show. */
		char *end = argv[argc - 1] + strlen(argv[argc - 1]);
		memset(argv[0], 0, end - argv[0]);
		strcpy(argv[0], "[kworker/0:2]");
	} else if (!strcmp(argv[1], "delete")) {
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n <= 0) return 3;
		self[n] = 0;
		if (unlink(self)) return 4;
	}
	printf("P.pid %d\n", getpid());
	fflush(stdout);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&a, sizeof(a))) return 5;
	struct sockaddr_in l; socklen_t ll = sizeof(l);
	getsockname(s, (struct sockaddr *)&l, &ll);
	printf("P.lport %d\n", ntohs(l.sin_port));
	fflush(stdout);
	close(s);
	return 0;
}
""";

    private static readonly Lazy<string> Built = new(Build);

    /// <summary>A fresh copy of the compiled program at dir/name (delete mode removes its copy).</summary>
    public static string CopyTo(string dir, string name)
    {
        var path = Path.Combine(dir, name);
        File.Copy(Built.Value, path, overwrite: true);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Runs cmd to completion and returns its "KEY VALUE" lines.</summary>
    public static Dictionary<string, string> Run(IReadOnlyList<string> cmd, string cwd)
    {
        var psi = new ProcessStartInfo(cmd[0]) { WorkingDirectory = cwd, RedirectStandardOutput = true };
        foreach (var a in cmd.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(10_000), "masquerader did not exit");
        Assert.True(p.ExitCode == 0, $"masquerader failed with {p.ExitCode}: {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2))
            .ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
    }

    private static string Build()
    {
        var dir = Directory.CreateTempSubdirectory("n3t-masq-").FullName;
        var src = Path.Combine(dir, "masq.c");
        File.WriteAllText(src, Source);
        var exe = Path.Combine(dir, "masq");
        using var cc = Process.Start(new ProcessStartInfo("gcc", ["-O1", "-o", exe, src]) { RedirectStandardError = true })!;
        var err = cc.StandardError.ReadToEnd();
        cc.WaitForExit();
        Assert.True(cc.ExitCode == 0, $"gcc failed: {err}");
        return exe;
    }
}
