using System.Security.Cryptography;
using System.Text;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

public sealed class RecordWriterTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("n3t-writer-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact]
    public void A_storm_between_flushes_reaches_the_file_each_MiB_and_stays_one_chain()
    {
        var dir = StateDirectory.Open(Path.Combine(_tmp, "s"), create: true);
        const int rows = 6000; // about 3 MiB of rows, no flush in between
        var filler = new string('x', 480);
        using (var w = new RecordWriter(dir, "storm.tsv", ["ts", "text"], background: true))
        {
            for (var i = 0; i < rows; i++)
            {
                w.Append([i.ToString(System.Globalization.CultureInfo.InvariantCulture), i % 100 == 0 ? "tab\there" : filler]);
            }
            Assert.Equal(rows, w.Seq); // settled: every row encoded
            Assert.True(new FileInfo(dir.FilePath("storm.tsv")).Length > 2 << 20, "rows waited for a flush");
            Assert.True(w.Rows >= 2 * (1 << 20) / 500 && w.Rows < rows, $"{w.Rows} rows written before the flush");
        }
        var lines = File.ReadAllLines(dir.FilePath("storm.tsv"));
        Assert.Equal(rows + 1, lines.Length);
        var prev = ChainHash.Genesis;
        for (var i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split('\t');
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), f[2]);
            Assert.Equal(5, f.Length); // format 2: the predecessor's hash is hashed, not stored
            // The documented recipe, computed independently of ChainHash.
            var body = string.Join('\t', f[..^1]) + "\t" + prev;
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"n3ttrace-chain-v1\nstorm.tsv\n{body}"))), f[4]);
            prev = f[4];
        }
        Assert.Equal(@"tab\there", lines[1].Split('\t')[1]);
    }
}
