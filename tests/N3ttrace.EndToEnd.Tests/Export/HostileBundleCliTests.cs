using System.Diagnostics;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>
/// [integrity] The shipped binary on crafted bundles: a one-line verdict, exit 1, no stack trace, and a
/// peak RSS (VmHWM) under 256 MB even for a bundle that expands to gigabytes.
/// </summary>
public class HostileBundleCliTests
{
    private const long MaxRssKb = 256 * 1024;

    private static (CliProcess Result, long PeakKb) RunMeasured(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo(PublishedBinary.Path) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        long peak = 0;
        var deadline = Stopwatch.StartNew();
        while (!p.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                // VmHWM is the process's own high-water mark: the last reading before exit holds the peak.
                foreach (var line in File.ReadLines($"/proc/{p.Id}/status"))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            Thread.Sleep(5);
        }
        if (!p.WaitForExit(1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("verify --bundle did not finish in 2 minutes");
        }
        return (new CliProcess(p.ExitCode, stdout.Result, stderr.Result), peak);
    }

    private static void Shell(string dir, string script)
    {
        var r = CliProcess.Run("/bin/bash", ["-c", script], dir, timeoutMs: 120_000);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Fact]
    public void Crafted_bundles_get_a_one_line_verdict_within_256_MB()
    {
        var dir = Directory.CreateTempSubdirectory("n3t-hostile-").FullName;
        try
        {
            // A bomb: 1 GiB of zeros as one trail file, about 1 MB compressed.
            Shell(dir, "mkdir -p case/trail && truncate -s 1G case/trail/birth_records.tsv && tar -cf - case | gzip -9 > bomb.tar.gz && rm -rf case");
            // A real-looking archive with bytes appended after the gzip stream.
            Shell(dir, "mkdir -p case && echo hi > case/README.txt && tar -czf appended.tar.gz case && printf junk >> appended.tar.gz && rm -rf case");
            // A tar size field of 12 octal digits with no terminator (the old reader's OverflowException).
            Shell(dir, "mkdir -p case && echo hi > case/a && tar -cf raw.tar case/a && printf '777777777777' | dd of=raw.tar bs=1 seek=124 conv=notrunc status=none && gzip -9 raw.tar && mv raw.tar.gz size.tar.gz && rm -rf case");
            Shell(dir, "head -c 3000 /dev/urandom > random.tar.gz && : > empty.tar.gz");
            foreach (var (name, expected) in new[]
            {
                ("bomb.tar.gz", "decompression bomb"),
                ("appended.tar.gz", "data after the end of the gzip stream"),
                ("size.tar.gz", "checksum"),
                ("random.tar.gz", "not a valid gzip stream"),
                ("empty.tar.gz", "truncated"),
            })
            {
                var (r, peakKb) = RunMeasured(dir, "verify", "--bundle", name);
                Assert.True(r.ExitCode == 1, $"{name}: {r}");
                Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
                Assert.DoesNotContain("Exception", r.Stderr, StringComparison.Ordinal);
                Assert.True(peakKb > 0 && peakKb < MaxRssKb, $"{name}: peak RSS {peakKb} kB");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
