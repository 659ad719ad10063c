using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit.Abstractions;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>[export] the release: NativeAOT single binary, systemd unit.</summary>
public sealed class ReleaseTests(ITestOutputHelper output)
{
    private static string Unit => Path.Combine(Repo.Root, "packaging", "n3ttrace.service");

    [Fact]
    public void Make_publish_builds_a_single_native_binary_without_trim_or_aot_warnings()
    {
        // Trim and AOT warnings are errors in the publish itself (TreatWarningsAsErrors reaches the native compiler);
        // the log is checked as well, and the binary must be the native single file.
        Assert.Empty(PublishedBinary.Warnings);
        Assert.Contains("artifacts/publish/", PublishedBinary.Log, StringComparison.Ordinal);
        var size = new FileInfo(PublishedBinary.Path).Length;
        output.WriteLine($"published binary: {size / 1048576.0:0.0} MiB");
        // Single file: no managed assemblies or runtime beside it.
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(PublishedBinary.Path)!, "*.dll"));
        var elf = File.ReadAllBytes(PublishedBinary.Path).AsSpan(0, 4).ToArray();
        Assert.Equal("\u007fELF"u8.ToArray(), elf);
    }

    [Fact]
    public void Published_binary_runs_help_and_doctor()
    {
        var sw = Stopwatch.StartNew();
        var help = CliProcess.Run(PublishedBinary.Path, ["--help"]);
        output.WriteLine($"--help: {sw.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(0, help.ExitCode);
        foreach (var command in (string[])["run", "doctor", "hash-endpoint", "export", "verify"])
        {
            Assert.Contains(command, help.Stdout, StringComparison.Ordinal);
        }
        var exportHelp = CliProcess.Run(PublishedBinary.Path, ["export", "--help"]);
        Assert.Contains("--format", exportHelp.Stdout, StringComparison.Ordinal);

        var doctor = CliProcess.Run(PublishedBinary.Path, ["doctor"]);
        Assert.True(doctor.ExitCode == 0, doctor.ToString());
        Assert.Contains("run would use:", doctor.Stdout, StringComparison.Ordinal);
        Assert.Contains("BTF", doctor.Stdout, StringComparison.Ordinal);
        if (Interop.Privileges.IsRoot)
        {
            // The BPF object is embedded: the lone binary loads it.
            Assert.Matches(@"tp_btf\s+yes", doctor.Stdout);
        }
    }

    [Fact]
    public void Systemd_unit_passes_systemd_analyze_verify()
    {
        var dir = Directory.CreateTempSubdirectory("n3t-unit-").FullName;
        try
        {
            // verify checks that ExecStart exists: point it at the CLI this tree built.
            var unit = Path.Combine(dir, "n3ttrace.service");
            File.WriteAllText(unit, File.ReadAllText(Unit).Replace("/usr/local/bin/n3ttrace", Repo.Cli, StringComparison.Ordinal));
            var r = CliProcess.Run("systemd-analyze", ["verify", unit]);
            Assert.True(r.ExitCode == 0 && r.Stderr.Trim().Length == 0, r.ToString());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>The unit's CapabilityBoundingSet, as setpriv arguments ("+bpf,+perfmon,...").</summary>
    private static string UnitCapabilities()
    {
        var line = File.ReadAllLines(Unit).Single(l => l.StartsWith("CapabilityBoundingSet=", StringComparison.Ordinal));
        var caps = line["CapabilityBoundingSet=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("CAP_BPF", caps);
        Assert.DoesNotContain("CAP_SYS_ADMIN", caps);
        return string.Join(',', caps.Select(c => "+" + c["CAP_".Length..].ToLowerInvariant()));
    }

    [BpfFact]
    public async Task Tracer_captures_with_only_the_capabilities_the_unit_grants()
    {
        var dir = Directory.CreateTempSubdirectory("n3t-caps-").FullName;
        var state = Path.Combine(dir, "state");
        var psi = new ProcessStartInfo("setpriv") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = dir };
        foreach (var a in new[] { $"--bounding-set=-all,{UnitCapabilities()}", "--inh-caps=-all", Repo.Cli, "run", "--no-tui", "--state-dir", state, "--log-file", Path.Combine(dir, "log.txt"), "--verify-key-out", Path.Combine(dir, "verify.key") })
        {
            psi.ArgumentList.Add(a);
        }
        var stderr = new StringBuilder();
        var ready = new TaskCompletionSource();
        using var p = new Process { StartInfo = psi };
        p.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
            if (e.Data?.Contains("capture ready", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        p.Start();
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
            // setpriv execs the tracer: same pid. CAP_SYS_ADMIN (bit 21) must be gone from its bounding set.
            var status = File.ReadAllLines($"/proc/{p.Id}/status").Single(l => l.StartsWith("CapBnd:", StringComparison.Ordinal));
            output.WriteLine(status);
            Assert.Equal(0UL, ulong.Parse(status["CapBnd:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) & (1UL << 21));
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var marker = $"m-{Guid.NewGuid():N}";
            using (var child = new Connector("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, marker, "/tmp", [("N3T_MARKER", marker)]))
            {
                child.WaitConnected();
                using var accepted = await listener.AcceptTcpClientAsync();
                child.Close();
            }
            await Task.Delay(300);
            Assert.Equal(0, CliProcess.Run("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ExitCode);
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(p.ExitCode == 0, stderr.ToString());
            var rec = Assert.Single(TsvFile.Read(Path.Combine(state, "birth_records.tsv")), r => r["cmdline"].Contains(marker, StringComparison.Ordinal));
            Assert.Equal("/tmp", rec["cwd"]);          // read from another process's /proc: SYS_PTRACE
            Assert.Matches("^[0-9a-f]{64}$", rec["env_sha256"]);
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill();
            }
            Directory.Delete(dir, true);
        }
    }
}
