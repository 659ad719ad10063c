using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using N3ttrace.Trail.Export;

namespace N3ttrace.Core.Tests.Export;

/// <summary>
/// [integrity] `verify --bundle` on crafted archives: each is refused with one problem line, nothing
/// throws past the verifier, and nothing the archive declares is allocated before it is checked.
/// </summary>
public class HostileBundleTests
{
    private static byte[] Gzip(byte[] tar, CompressionLevel level = CompressionLevel.Fastest)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, level, leaveOpen: true))
        {
            gz.Write(tar);
        }
        return ms.ToArray();
    }

    private static byte[] Tar(params (string Name, byte[] Data)[] files)
    {
        var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, data) in files)
            {
                w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            }
        }
        return ms.ToArray();
    }

    /// <summary>A ustar header block with a correct checksum, for fields TarWriter would never write.</summary>
    private static byte[] Header(string name, char type, string sizeField)
    {
        var h = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(h, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(h, 100);
        Encoding.ASCII.GetBytes(sizeField).CopyTo(h, 124);
        h[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\000").CopyTo(h, 257);
        for (var i = 148; i < 156; i++)
        {
            h[i] = (byte)' ';
        }
        var sum = h.Sum(b => (long)b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(h, 148);
        return h;
    }

    private static string OnlyProblem(byte[] bundle, long floor = BundleVerifier.ExpansionFloor)
    {
        var v = BundleVerifier.Verify(new MemoryStream(bundle), null, null, floor);
        Assert.False(v.Ok);
        return Assert.Single(v.Problems);
    }

    [Fact]
    public void A_well_formed_archive_reads_through_and_is_judged_on_its_content()
    {
        var v = BundleVerifier.Verify(new MemoryStream(Gzip(Tar(("case/README.txt", "hello\n"u8.ToArray())))));
        Assert.Equal("case", v.Root);
        Assert.Contains(v.Problems, p => p.Contains("SHA256SUMS: missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Trailing_garbage_after_the_gzip_stream_is_refused()
    {
        var good = Gzip(Tar(("case/README.txt", "hello\n"u8.ToArray())));
        foreach (var tail in new[] { "x"u8.ToArray(), new byte[20_000], Gzip("more"u8.ToArray()) })
        {
            Assert.Contains("data after the end of the gzip stream", OnlyProblem([.. good, .. tail]), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_truncated_gzip_stream_is_refused()
    {
        var good = Gzip(Tar(("case/README.txt", new byte[100_000])));
        Assert.Contains("truncated", OnlyProblem(good[..(good.Length / 2)]), StringComparison.Ordinal);
    }

    [Fact]
    public void Data_after_the_end_of_archive_marker_is_refused()
    {
        var tar = Tar(("case/README.txt", "hello\n"u8.ToArray()));
        Assert.Contains("data after the end of the archive", OnlyProblem(Gzip([.. tar, .. "smuggled"u8.ToArray()])), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("77777777777777", "not octal")]       // more digits than the field: the old reader overflowed
    [InlineData("0000000001x\0", "not octal")]
    public void Size_fields_that_are_not_octal_are_refused(string size, string expected)
    {
        var field = size.Length > 12 ? size[..12] : size;
        var tar = Header("case/a", '0', field);
        if (size.Length > 12)
        {
            tar[124 + 11] = (byte)'7'; // no terminator at all, and a 12th digit: fits 36 bits, then the data is missing
        }
        var problem = OnlyProblem(Gzip([.. tar, .. new byte[1024]]));
        Assert.True(problem.Contains(expected, StringComparison.Ordinal) || problem.Contains("truncated", StringComparison.Ordinal), problem);
    }

    [Fact]
    public void A_base256_size_is_refused_not_overflowed()
    {
        var h = Header("case/a", '0', "00000000000\0");
        h[124] = 0x80;
        for (var i = 125; i < 136; i++)
        {
            h[i] = 0xff;
        }
        // Recompute the checksum for the edited field.
        for (var i = 148; i < 156; i++)
        {
            h[i] = (byte)' ';
        }
        Encoding.ASCII.GetBytes(Convert.ToString(h.Sum(b => (long)b), 8).PadLeft(6, '0') + "\0 ").CopyTo(h, 148);
        Assert.Contains("base-256", OnlyProblem(Gzip([.. h, .. new byte[1024]])), StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_extended_header_is_refused_before_it_is_read()
    {
        // Declares 2 GiB of PAX records: the old reader allocated them whole.
        var h = Header("PaxHeaders/a", 'x', "20000000000\0");
        Assert.Contains("PAX header of 2147483648 bytes", OnlyProblem(Gzip([.. h, .. new byte[4096]])), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_header_checksum_is_refused()
    {
        var h = Header("case/a", '0', "00000000005\0");
        h[0] ^= 1;
        Assert.Contains("checksum", OnlyProblem(Gzip([.. h, .. new byte[2048]])), StringComparison.Ordinal);
    }

    [Fact]
    public void A_decompression_bomb_stops_at_the_expansion_cap()
    {
        // 64 MiB of zeros compress about 1000:1 at the smallest size; with a 1 MiB floor the cap (200:1) is passed early.
        var tar = Tar(("case/trail/birth_records.tsv", new byte[64 * 1024 * 1024]));
        var problem = OnlyProblem(Gzip(tar, CompressionLevel.SmallestSize), floor: 1024 * 1024);
        Assert.Contains("decompression bomb", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_entries_are_refused()
    {
        var files = Enumerable.Range(0, BundleVerifier.MaxEntries + 1).Select(i => ($"case/f{i}", Array.Empty<byte>())).ToArray();
        Assert.Contains($"more than {BundleVerifier.MaxEntries} entries", OnlyProblem(Gzip(Tar(files))), StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_manifest_is_refused_without_being_read_into_memory()
    {
        var tar = Tar(("case/manifest.json", new byte[BundleVerifier.MaxSmallFile + 1]));
        var v = BundleVerifier.Verify(new MemoryStream(Gzip(tar)));
        Assert.Contains(v.Problems, p => p.Contains("manifest.json: 16777217 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Random_bytes_and_empty_input_get_a_verdict_not_an_exception()
    {
        var rng = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var junk = new byte[rng.Next(0, 4096)];
            rng.NextBytes(junk);
            if (i % 2 == 0 && junk.Length > 10)
            {
                junk[0] = 0x1f;
                junk[1] = 0x8b;
                junk[2] = 8;
                junk[3] = 0;
            }
            var v = BundleVerifier.Verify(new MemoryStream(junk));
            Assert.False(v.Ok);
        }
    }

    [Fact]
    public void Every_prefix_and_single_byte_flip_of_a_real_archive_gets_a_verdict()
    {
        var good = Gzip(Tar(("case/README.txt", "hello\n"u8.ToArray()), ("case/SHA256SUMS", "x"u8.ToArray())));
        for (var cut = 0; cut < good.Length; cut++)
        {
            Assert.False(BundleVerifier.Verify(new MemoryStream(good[..cut])).Ok);
        }
        for (var i = 0; i < good.Length; i++)
        {
            var bad = good.ToArray();
            bad[i] ^= 0x5a;
            _ = BundleVerifier.Verify(new MemoryStream(bad));
        }
    }
}
