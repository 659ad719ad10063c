using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using N3ttrace.Time;
using N3ttrace.Trail;

namespace N3ttrace.Trail.Export;

/// <summary>
/// Writes an export bundle: a .tar.gz with one top-level directory holding README.txt, manifest.json,
/// verification.txt, the window's birth_records.tsv and snapshots.tsv, the chain proof under trail/
/// (<see cref="ChainProof"/>) and SHA256SUMS (over every other file, `sha256sum -c` compatible).
/// Memory stays bounded whatever the trail's size: rows and proof files go through a private temporary directory
/// with fixed buffers and are streamed into the archive from there; only the window's segments are read.
/// </summary>
public static class BundleWriter
{
    /// <summary>What was written: the window's counts and the chain proof's files and check.</summary>
    public sealed record Result(WindowExtract Extract, IReadOnlyList<string> ChainFiles, bool ChainVerified);

    /// <summary>Writes the bundle of <paramref name="window"/> to <paramref name="output"/>; with an empty window nothing is
    /// written and the result's extract says so.</summary>
    public static Result Write(StateDirectory dir, TimeWindow window, Stream output, string rootName, BundleRequest r, Action<long, long>? progress = null)
    {
        var work = Directory.CreateTempSubdirectory("n3ttrace-export-");
        try
        {
            var path = (string name) => Path.Combine(work.FullName, name);
            var extract = WindowExtract.FromTimeline(dir, window, path(StateDirectory.TimelineFile), n => progress?.Invoke(n, 0));
            var births = ChainProof.Choose(dir, StateDirectory.BirthRecordsFile, window.Since, window.Until);
            var parts = ChainProof.Earlier(dir, births, extract.EarlierBirths, extract.EarlierUnknown);
            parts.Add(births);
            extract.WriteBirths(dir, parts, path(StateDirectory.BirthRecordsFile), n => progress?.Invoke(n, 0));
            if (extract.IsEmpty)
            {
                return new Result(extract, [], false);
            }
            parts.Add(ChainProof.Choose(dir, StateDirectory.TimelineFile, window.Since, window.Until));
            var trailDir = Directory.CreateDirectory(path(BundleLayout.ChainDir)).FullName;
            var chainNames = ChainProof.Copy(dir, parts, trailDir);
            var check = VerifyParts(trailDir, parts.Where(p => p.Start is not null)
                .GroupBy(p => p.Dir).ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, ChainStart>)g.ToDictionary(p => p.File, p => p.Start!, StringComparer.Ordinal)),
                parts.Select(p => p.Dir).Where(d => d.Length > 0));

            var files = new List<string> { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile };
            files.AddRange(chainNames.Select(n => $"{BundleLayout.ChainDir}/{n}"));
            File.WriteAllText(path(BundleLayout.Verification), VerificationReport(r, extract, parts, check), new UTF8Encoding(false));
            File.WriteAllText(path(BundleLayout.Readme), BundleReadme.Text, new UTF8Encoding(false));
            File.WriteAllBytes(path(BundleLayout.Manifest), Manifest(r, extract, parts, files.Skip(2).ToList(), check));
            files.AddRange([BundleLayout.Verification, BundleLayout.Readme, BundleLayout.Manifest]);
            var sums = new StringBuilder();
            foreach (var f in files)
            {
                using var s = File.OpenRead(path(f));
                sums.Append(Convert.ToHexStringLower(SHA256.HashData(s))).Append("  ").Append(f).Append('\n');
            }
            File.WriteAllText(path(BundleLayout.Sums), sums.ToString(), new UTF8Encoding(false));
            files.Add(BundleLayout.Sums);
            Tar(output, rootName, work.FullName, files, r.ExportUtc, progress);
            return new Result(extract, chainNames, check.Intact);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The chain proof as `verify --bundle` checks it (no key on the host: the plain chain and the checkpoints):
    /// the part that holds the window under <paramref name="trailDir"/>, and each earlier run in its own directory.</summary>
    internal static VerifyReport VerifyParts(string trailDir, IReadOnlyDictionary<string, IReadOnlyDictionary<string, ChainStart>> starts,
        IEnumerable<string> earlierDirs, VerifyKey? key = null)
    {
        var checkpoints = Path.Combine(trailDir, CheckpointColumns.FileName);
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in ChainProof.PartFiles.Concat([ProcessCertificateColumns.FileName, ReasonColumns.FileName]))
        {
            data[name] = Path.Combine(trailDir, name);
        }
        var report = TrailVerifier.Verify(data, checkpoints, key, starts.GetValueOrDefault("") ?? new Dictionary<string, ChainStart>());
        foreach (var d in earlierDirs.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var run = TrailVerifier.Verify(new Dictionary<string, string> { [StateDirectory.BirthRecordsFile] = Path.Combine(trailDir, d, StateDirectory.BirthRecordsFile) },
                checkpoints, key, starts.GetValueOrDefault(d) ?? new Dictionary<string, ChainStart>(), onlyGiven: true);
            foreach (var f in run.Files.Where(f => f.File == StateDirectory.BirthRecordsFile))
            {
                report.Files.Add(f);
            }
            foreach (var dmg in run.Damages.Where(x => x.File != CheckpointColumns.FileName))
            {
                report.Add(dmg with { File = $"{d}/{dmg.File}" });
            }
        }
        return report;
    }

    private static void Tar(Stream output, string rootName, string work, List<string> files, DateTime mtimeUtc, Action<long, long>? progress)
    {
        var total = files.Sum(f => new FileInfo(Path.Combine(work, f)).Length);
        long done = 0;
        // Fastest: the trail text is mostly compressed already (segments), and export speed matters more than a few percent.
        using var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        using var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true);
        var dirs = new HashSet<string>(StringComparer.Ordinal);
        AddDirectory(tar, rootName, mtimeUtc, dirs);
        foreach (var f in files)
        {
            var slash = f.LastIndexOf('/');
            if (slash > 0)
            {
                AddDirectory(tar, $"{rootName}/{f[..slash]}", mtimeUtc, dirs);
            }
            using var data = File.OpenRead(Path.Combine(work, f));
            var entry = new PaxTarEntry(TarEntryType.RegularFile, $"{rootName}/{f}")
            {
                DataStream = data,
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                ModificationTime = mtimeUtc,
                UserName = "root",
                GroupName = "root",
            };
            tar.WriteEntry(entry);
            done += data.Length;
            progress?.Invoke(done, total);
        }
    }

    private static void AddDirectory(TarWriter tar, string name, DateTime mtimeUtc, HashSet<string> dirs)
    {
        if (!dirs.Add(name))
        {
            return;
        }
        tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name + "/")
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            ModificationTime = mtimeUtc,
        });
    }

    private static byte[] Manifest(BundleRequest r, WindowExtract t, IReadOnlyList<ChainPart> parts, IReadOnlyList<string> chainFiles, VerifyReport check)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("format", BundleLayout.Format);
            w.WriteString("exported_at", Timestamp.ToRecord(r.ExportUtc));
            w.WriteStartObject("product");
            w.WriteString("name", "n3ttrace");
            w.WriteString("version", r.ProductVersion);
            w.WriteEndObject();
            w.WriteStartObject("host");
            w.WriteString("hostname", r.Host.HostName);
            w.WriteString("machine_id", r.Host.MachineId);
            w.WriteString("kernel", r.Host.Kernel);
            w.WriteString("boot_time", Timestamp.ToRecord(r.Host.BootUtc));
            w.WriteStartArray("boot_ids");
            // Every boot named in the window's rows, and the exporting boot.
            foreach (var id in t.BootIds.Append(r.Host.BootId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                w.WriteStringValue(id);
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("window");
            w.WriteString("since", t.Window.SinceRecord);
            w.WriteString("until", t.Window.UntilRecord);
            w.WriteString("semantics", "since <= ts < until, UTC");
            w.WriteEndObject();
            w.WriteStartObject("case");
            WriteOptional(w, "case_id", r.CaseId);
            WriteOptional(w, "examiner", r.Examiner);
            w.WriteEndObject();
            w.WriteStartObject("records");
            w.WriteNumber("birth_records", t.Births);
            w.WriteNumber("birth_records_in_window", t.BirthsInWindow);
            w.WriteNumber("timeline_events", t.Timeline);
            w.WriteStartObject("timeline_by_event");
            foreach (var (k, n) in t.TimelineByEvent)
            {
                w.WriteNumber(k, n);
            }
            w.WriteEndObject();
            w.WriteNumber("events_without_birth_record", t.EventsWithoutBirth);
            w.WriteEndObject();
            // Rows per TSV file: `verify --bundle` counts them again.
            w.WriteStartObject("files");
            w.WriteStartObject(StateDirectory.BirthRecordsFile);
            w.WriteNumber("rows", t.Births);
            w.WriteEndObject();
            w.WriteStartObject(StateDirectory.TimelineFile);
            w.WriteNumber("rows", t.Timeline);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("chain_files");
            foreach (var c in chainFiles)
            {
                w.WriteStringValue(c);
            }
            w.WriteEndArray();
            // The chain proof: where each part starts (the row before it) and through which row checkpoints seal it.
            w.WriteStartObject("chain_parts");
            foreach (var p in parts)
            {
                var sum = check.Files.FirstOrDefault(f => f.File == p.File);
                w.WriteStartObject(p.File);
                w.WriteNumber("segments", p.Segments.Count);
                w.WriteBoolean("live_file", p.Live);
                if (p.Start is { } s)
                {
                    w.WriteNumber("start_after_seq", s.Seq);
                    w.WriteString("start_hash", s.Hash);
                }
                else
                {
                    w.WriteNumber("start_after_seq", 0);
                    w.WriteString("start_hash", ChainHash.Genesis);
                }
                w.WriteNumber("rows", sum?.Rows ?? 0);
                w.WriteNumber("sealed_through_seq", sum?.SealedRows ?? 0);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteBoolean("trail_verified", check.Intact);
            w.WriteEndObject();
        }
        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static string VerificationReport(BundleRequest r, WindowExtract t, IReadOnlyList<ChainPart> parts, VerifyReport check)
    {
        var sb = new StringBuilder();
        sb.Append("n3ttrace verification report, written at export\n");
        sb.Append($"exported at:  {Timestamp.ToRecord(r.ExportUtc)}\n");
        sb.Append($"window:       {t.Window.SinceRecord} <= ts < {t.Window.UntilRecord}\n\n");
        sb.Append($"trail read:   {t.BirthRowsRead} birth records, {t.TimelineRowsRead} timeline rows (the segments that hold the window)\n");
        sb.Append($"malformed:    {t.MalformedRows} rows with a wrong field count (skipped)\n");
        if (t.UnresolvedRows > 0)
        {
            sb.Append($"unresolved:   {t.UnresolvedRows} rows whose process certificate or reasons text is not in the trail (those fields empty)\n");
        }
        sb.Append($"exported:     {t.Births} birth records ({t.BirthsInWindow} born in the window, the rest born earlier and seen in it), {t.Timeline} timeline events\n");
        sb.Append($"unmatched:    {t.EventsWithoutBirth} timeline events of connections born before the window whose birth record is not in the trail\n");
        foreach (var p in parts)
        {
            var start = p.Start is { } s ? $"after row {s.Seq} (hash {s.Hash})" : "at the first row";
            sb.Append($"chain proof:  {p.File}: {p.Segments.Count} whole segment(s){(p.Live ? " and the live file" : "")} under {BundleLayout.ChainDir}/, starting {start}\n");
        }
        sb.Append('\n');
        sb.Append($"trail chain:  {(check.Intact ? "VERIFIED" : "FAILED")} over the bundled part\n").Append(StateTrailVerifier.Describe(check).TrimEnd()).Append('\n');
        return sb.ToString();
    }
}
