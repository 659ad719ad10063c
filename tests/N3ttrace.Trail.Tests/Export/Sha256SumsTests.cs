using System.Diagnostics;
using System.Text;
using N3ttrace.Trail.Export;

namespace N3ttrace.Core.Tests.Export;

public class Sha256SumsTests
{
    [Fact]
    public void Written_sums_are_accepted_by_sha256sum_and_parsed_back()
    {
        var dir = Directory.CreateTempSubdirectory("n3t-sums-").FullName;
        try
        {
            BundleFile[] files = [new("a.tsv", Encoding.UTF8.GetBytes("x\ty\n")), new("checkpoints/c1", [1, 2, 3])];
            Directory.CreateDirectory(Path.Combine(dir, "checkpoints"));
            foreach (var f in files)
            {
                File.WriteAllBytes(Path.Combine(dir, f.Name), f.Content);
            }
            var text = Sha256Sums.Format(files);
            File.WriteAllText(Path.Combine(dir, "SHA256SUMS"), text);
            var psi = new ProcessStartInfo("sha256sum", "-c SHA256SUMS") { WorkingDirectory = dir, RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);

            var errors = new List<string>();
            var map = Sha256Sums.Parse(text, errors);
            Assert.Empty(errors);
            Assert.Equal(["a.tsv", "checkpoints/c1"], map.Keys.Order());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Malformed_lines_are_reported()
    {
        var errors = new List<string>();
        Sha256Sums.Parse("nothex  x\n", errors);
        Assert.Single(errors);
    }
}
