using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace N3ttrace.Trail.Export;

/// <summary>
/// Verifies a bundle offline, from the file alone: every file's SHA-256 against SHA256SUMS, that
/// SHA256SUMS lists exactly the files present, that manifest.json parses and that its row counts
/// match the TSV files; then the chain proof under trail/ with the trail's own verifier (with the verification key,
/// its seals too): the window's segments from their chain starts (<see cref="ChainProof"/>), or in bundles of format 1
/// the complete chained files. Only trail/ goes to a temporary directory, for that check.
/// The bundle is hostile input: it is streamed once, every size is capped, nothing may follow it.
/// </summary>
public static class BundleVerifier
{
    /// <summary>At most this many entries: a bundle holds about ten.</summary>
    public const int MaxEntries = 10_000;
    /// <summary>manifest.json and SHA256SUMS are read into memory, so they are capped.</summary>
    public const int MaxSmallFile = 16 * 1024 * 1024;
    /// <summary>Decompressed bytes allowed per compressed byte read, beyond <see cref="ExpansionFloor"/>:
    /// trail TSV compresses about 10 to 30 times; a decompression bomb, up to 1,000.</summary>
    public const long MaxExpansion = 200;
    public const long ExpansionFloor = 256L * 1024 * 1024;

    private sealed record Entry(string Sha256, long Lines, byte[]? Content, string? SpillPath);

    /// <summary>Verifies a bundle from a stream. Memory stays bounded whatever the bundle declares: entries are
    /// hashed as they stream past, the chained trail files spill to a private temporary directory.</summary>
    public static BundleVerification Verify(Stream gzipTar, Action<long>? progress = null, Trail.VerifyKey? key = null) =>
        Verify(gzipTar, progress, key, ExpansionFloor);

    internal static BundleVerification Verify(Stream gzipTar, Action<long>? progress, Trail.VerifyKey? key, long expansionFloor)
    {
        var result = new BundleVerification();
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var spill = Directory.CreateTempSubdirectory("n3ttrace-bundle-");
        Directory.CreateDirectory(Path.Combine(spill.FullName, BundleLayout.ChainDir));
        try
        {
            try
            {
                Read(gzipTar, result, entries, spill.FullName, expansionFloor, progress);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
            {
                result.Problems.Add($"not a readable .tar.gz bundle: {Text.TextEscaper.Escape(e.Message)}");
                return result;
            }
            if (result.Root is null)
            {
                result.Problems.Add("the archive holds no bundle directory");
                return result;
            }
            CheckSums(result, entries);
            CheckManifest(result, entries);
            CheckChain(result, entries, key, Path.Combine(spill.FullName, BundleLayout.ChainDir));
            return result;
        }
        finally
        {
            spill.Delete(recursive: true);
        }
    }

    private static void Read(Stream gzipTar, BundleVerification result, Dictionary<string, Entry> entries, string spillDir, long expansionFloor, Action<long>? progress)
    {
        using var gz = new GzipMemberStream(gzipTar);
        var tar = new BundleTarReader(gz);
        var buf = new byte[1 << 16];
        var count = 0;
        while (tar.Next() is { } e)
        {
            if (++count > MaxEntries)
            {
                throw new InvalidDataException($"more than {MaxEntries} entries");
            }
            var name = e.Name.TrimEnd('/');
            var slash = name.IndexOf('/');
            var root = slash < 0 ? name : name[..slash];
            if (name.StartsWith('/') || name.Split('/').Any(p => p is ".." or "."))
            {
                result.Problems.Add($"{Text.TextEscaper.Escape(e.Name)}: unsafe path in archive");
                continue;
            }
            result.Root ??= root;
            if (root != result.Root)
            {
                result.Problems.Add($"{Text.TextEscaper.Escape(e.Name)}: outside the bundle directory {Text.TextEscaper.Escape(result.Root)}");
                continue;
            }
            if (e.IsDirectory)
            {
                continue;
            }
            var rel = slash < 0 ? "" : name[(slash + 1)..];
            if (!e.IsRegularFile || rel.Length == 0)
            {
                result.Problems.Add($"{Text.TextEscaper.Escape(rel)}: not a regular file (type '{Text.TextEscaper.Escape(e.Type.ToString())}')");
                continue;
            }
            if (entries.ContainsKey(rel))
            {
                result.Problems.Add($"{Text.TextEscaper.Escape(rel)}: present twice in the archive");
                continue;
            }
            var small = rel is BundleLayout.Sums or BundleLayout.Manifest;
            var chained = rel.StartsWith(BundleLayout.ChainDir + "/", StringComparison.Ordinal);
            // Spilled under their own names (the trail reader finds segments by name), so only names a trail has.
            var chainName = chained ? rel[(BundleLayout.ChainDir.Length + 1)..] : "";
            if (chained && !ChainProof.IsChainFileName(chainName))
            {
                result.Problems.Add($"{Text.TextEscaper.Escape(rel)}: not a file of a trail");
                chained = false;
            }
            small |= chained && chainName == ChainProof.StartsFile;
            if (small && e.Size > MaxSmallFile)
            {
                result.Problems.Add($"{Text.TextEscaper.Escape(rel)}: {e.Size} bytes, more than the {MaxSmallFile} accepted");
                continue;
            }
            string? spillPath = chained ? Path.Combine(spillDir, BundleLayout.ChainDir, chainName) : null;
            if (spillPath is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(spillPath)!); // trail/ or one earlier-NNNNNN/ under it (names checked above)
            }
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            // Grown as bytes arrive, not sized by the header: a declared 16 MiB that never comes costs nothing.
            using var keep = small ? new MemoryStream((int)Math.Min(e.Size, 1 << 16)) : null;
            using var spill = spillPath is null ? null : new FileStream(spillPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            long lines = 0;
            int n;
            while ((n = e.Data.Read(buf)) > 0)
            {
                hash.AppendData(buf, 0, n);
                lines += buf.AsSpan(0, n).Count((byte)'\n');
                keep?.Write(buf, 0, n);
                spill?.Write(buf, 0, n);
                if (tar.Position > expansionFloor + MaxExpansion * gz.CompressedRead)
                {
                    throw new InvalidDataException($"it expands to more than {MaxExpansion} times its compressed size (a decompression bomb?)");
                }
                progress?.Invoke(tar.Position);
            }
            entries.Add(rel, new Entry(Convert.ToHexStringLower(hash.GetHashAndReset()), lines, keep?.ToArray(), spillPath));
        }
        // GNU tar pads the archive to 10 KiB records; more than that after the end marker is not padding.
        tar.RequireOnlyPaddingAfterEnd(maxPadding: 64 * 1024);
    }

    private static void CheckSums(BundleVerification result, Dictionary<string, Entry> entries)
    {
        if (!entries.TryGetValue(BundleLayout.Sums, out var sumsEntry))
        {
            result.Problems.Add($"{BundleLayout.Sums}: missing");
            return;
        }
        var sums = Sha256Sums.Parse(Encoding.UTF8.GetString(sumsEntry.Content!), result.Problems);
        foreach (var (name, expected) in sums.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var shown = Text.TextEscaper.Escape(name);
            if (!entries.TryGetValue(name, out var got))
            {
                result.Files.Add((shown, "MISSING"));
                result.Problems.Add($"{shown}: listed in {BundleLayout.Sums} but missing from the bundle");
            }
            else if (got.Sha256 != expected)
            {
                result.Files.Add((shown, "FAILED"));
                result.Problems.Add($"{shown}: checksum mismatch (the file was changed after export)");
            }
            else
            {
                result.Files.Add((shown, "OK"));
            }
        }
        foreach (var name in entries.Keys.Where(k => k != BundleLayout.Sums && !sums.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            var shown = Text.TextEscaper.Escape(name);
            result.Files.Add((shown, "UNLISTED"));
            result.Problems.Add($"{shown}: in the bundle but not in {BundleLayout.Sums} (added after export)");
        }
    }

    private static void CheckChain(BundleVerification result, Dictionary<string, Entry> entries, Trail.VerifyKey? key, string trailDir)
    {
        if (FormatOf(entries) != BundleLayout.FormatWhole)
        {
            // The window's part of the chain, from the starts in chain_starts.tsv (none: from the first row).
            if (!entries.ContainsKey($"{BundleLayout.ChainDir}/{CheckpointColumns.FileName}"))
            {
                result.Problems.Add($"{BundleLayout.ChainDir}/: {CheckpointColumns.FileName} is missing; the chain cannot be checked");
                return;
            }
            var starts = entries.GetValueOrDefault($"{BundleLayout.ChainDir}/{ChainProof.StartsFile}")?.Content is { } st
                ? ChainProof.ParseStarts(Encoding.UTF8.GetString(st), result.Problems)
                : new Dictionary<string, Dictionary<string, ChainStart>>(StringComparer.Ordinal);
            var earlier = entries.Keys.Where(k => k.StartsWith(BundleLayout.ChainDir + "/" + ChainProof.EarlierPrefix, StringComparison.Ordinal))
                .Select(k => k.Split('/')[1]).Where(ChainProof.IsEarlierDir).Distinct(StringComparer.Ordinal).ToList();
            VerifyReport part;
            try
            {
                part = BundleWriter.VerifyParts(trailDir, starts.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, ChainStart>)kv.Value, StringComparer.Ordinal), earlier, key);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or StateDirectoryException)
            {
                result.Problems.Add($"{BundleLayout.ChainDir}/: the chained files cannot be read: {Text.TextEscaper.Escape(e.Message)}");
                return;
            }
            Report(result, part, key);
            return;
        }
        var chain = WholeNames.Select(n => entries.GetValueOrDefault($"{BundleLayout.ChainDir}/{n}")?.SpillPath).ToArray();
        if (chain.Any(p => p is null))
        {
            result.Problems.Add($"{BundleLayout.ChainDir}/: the chained trail files are incomplete; the chain cannot be checked");
            return;
        }
        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [WholeNames[0]] = chain[0]!,
            [WholeNames[1]] = chain[1]!,
        };
        foreach (var name in (string[])[ProcessCertificateColumns.FileName, ReasonColumns.FileName])
        {
            if (entries.GetValueOrDefault($"{BundleLayout.ChainDir}/{name}")?.SpillPath is { } p)
            {
                data[name] = p;
            }
        }
        Report(result, Trail.TrailVerifier.Verify(data, chain[2]!, key), key);
    }

    /// <summary>The whole chained files of a format-1 bundle.</summary>
    private static readonly string[] WholeNames = [StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile, CheckpointColumns.FileName];

    private static string? FormatOf(Dictionary<string, Entry> entries)
    {
        try
        {
            using var doc = JsonDocument.Parse(entries.GetValueOrDefault(BundleLayout.Manifest)?.Content ?? []);
            return doc.RootElement.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Report(BundleVerification result, VerifyReport r, Trail.VerifyKey? key)
    {
        result.TrailChain = StateTrailVerifier.Describe(r).TrimEnd();
        result.SealsChecked = key is not null;
        foreach (var d in r.Damages.Take(20))
        {
            result.Problems.Add($"{BundleLayout.ChainDir}/{Text.TextEscaper.Escape(d.ToString())}");
        }
    }

    private static void CheckManifest(BundleVerification result, Dictionary<string, Entry> entries)
    {
        if (!entries.TryGetValue(BundleLayout.Manifest, out var m))
        {
            result.Problems.Add($"{BundleLayout.Manifest}: missing");
            return;
        }
        try
        {
            using var doc = JsonDocument.Parse(m.Content);
            var root = doc.RootElement;
            if (root.GetProperty("format").GetString() is not (BundleLayout.Format or BundleLayout.FormatWhole))
            {
                result.Problems.Add($"{BundleLayout.Manifest}: format is not {BundleLayout.Format}");
            }
            result.HostName = root.GetProperty("host").GetProperty("hostname").GetString();
            var window = root.GetProperty("window");
            result.Window = $"{window.GetProperty("since").GetString()} <= ts < {window.GetProperty("until").GetString()}";
            result.ExportedAt = root.GetProperty("exported_at").GetString();
            var caseEl = root.GetProperty("case").GetProperty("case_id");
            result.CaseId = caseEl.ValueKind == JsonValueKind.String ? caseEl.GetString() : null;
            var tv = root.GetProperty("trail_verified");
            result.TrailVerified = tv.ValueKind switch
            {
                JsonValueKind.True => "yes, on the host at export",
                JsonValueKind.False => "NO: the trail failed verification on the host at export (see verification.txt)",
                _ => tv.GetString(),
            };
            if (tv.ValueKind == JsonValueKind.False)
            {
                result.Problems.Add($"{BundleLayout.Verification}: the trail failed verification on the host when it was exported");
            }
            foreach (var f in root.GetProperty("files").EnumerateObject())
            {
                var rows = f.Value.GetProperty("rows").GetInt64();
                if (!entries.TryGetValue(f.Name, out var e))
                {
                    result.Problems.Add($"{Text.TextEscaper.Escape(f.Name)}: named in {BundleLayout.Manifest} but missing");
                }
                else if (e.Lines - 1 != rows)
                {
                    result.Problems.Add($"{Text.TextEscaper.Escape(f.Name)}: {Math.Max(0, e.Lines - 1)} rows, {BundleLayout.Manifest} says {rows}");
                }
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            result.Problems.Add($"{BundleLayout.Manifest}: not a valid manifest ({e.Message})");
        }
    }
}
