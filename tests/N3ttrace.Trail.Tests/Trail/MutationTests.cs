using System.Text;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>1,000 random mutations of a real trail (byte flips, line deletions, swaps, truncations): verify must catch each one.</summary>
public class MutationTests
{
    [Fact]
    public void Every_one_of_1000_random_mutations_is_detected()
    {
        using var t = new TrailFixture(events: 600, keyframeEveryRows: 100);
        Assert.True(t.Verify().Intact);
        var originals = TrailFixture.Files.ToDictionary(f => f, f => File.ReadAllBytes(t.File(f)));
        var rng = new Random(4242);
        var kinds = new Dictionary<string, int>();
        var missed = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            var file = TrailFixture.Files[rng.Next(TrailFixture.Files.Length)];
            var bytes = originals[file];
            var (mutated, what) = (i % 4) switch
            {
                0 => Flip(bytes, rng),
                1 => DeleteLine(bytes, rng),
                2 => SwapLines(bytes, rng),
                _ => Truncate(bytes, rng),
            };
            File.WriteAllBytes(t.File(file), mutated);
            var r = t.Verify();
            if (r.Intact)
            {
                missed.Add($"{file}: {what}");
            }
            else
            {
                var k = Damage.KindName(r.First!.Kind);
                kinds[k] = kinds.GetValueOrDefault(k) + 1;
            }
            File.WriteAllBytes(t.File(file), bytes);
        }
        Assert.True(missed.Count == 0, $"{missed.Count} mutations not detected:\n{string.Join("\n", missed.Take(20))}");
        // The classification names the damage done: each kind shows up as a first finding.
        foreach (var k in new[] { "edit", "deletion", "reordering", "truncation" })
        {
            Assert.True(kinds.GetValueOrDefault(k) > 0, $"no mutation was classified as {k}: {string.Join(", ", kinds)}");
        }
    }

    private static List<int> LineStarts(byte[] b)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < b.Length - 1; i++)
        {
            if (b[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }
        return starts;
    }

    private static (byte[], string) Flip(byte[] b, Random rng)
    {
        var m = (byte[])b.Clone();
        var at = rng.Next(m.Length);
        var x = (byte)rng.Next(1, 256);
        m[at] ^= x;
        return (m, $"flip byte {at} ^ 0x{x:x2}");
    }

    private static List<byte[]> Lines(byte[] b)
    {
        var starts = LineStarts(b);
        var lines = new List<byte[]>();
        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1] : b.Length;
            lines.Add(b[starts[i]..end]);
        }
        return lines;
    }

    private static (byte[], string) DeleteLine(byte[] b, Random rng)
    {
        var lines = Lines(b);
        var n = rng.Next(lines.Count);
        lines.RemoveAt(n);
        return (lines.SelectMany(l => l).ToArray(), $"delete line {n + 1}");
    }

    private static (byte[], string) SwapLines(byte[] b, Random rng)
    {
        var lines = Lines(b);
        var a = rng.Next(lines.Count);
        var c = rng.Next(2) == 0 ? Math.Min(lines.Count - 1, a + 1) : rng.Next(lines.Count);
        if (c == a)
        {
            c = a == 0 ? 1 : a - 1;
        }
        (lines[a], lines[c]) = (lines[c], lines[a]);
        return (lines.SelectMany(l => l).ToArray(), $"swap lines {a + 1} and {c + 1}");
    }

    private static (byte[], string) Truncate(byte[] b, Random rng)
    {
        // Half at a line boundary (what a careful intruder does), half anywhere.
        var starts = LineStarts(b);
        var at = rng.Next(2) == 0 ? starts[rng.Next(starts.Count)] : rng.Next(b.Length);
        return (b[..at], $"truncate to {at} bytes");
    }
}
