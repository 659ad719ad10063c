using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using N3ttrace.Time;
using N3ttrace.Trail;

namespace N3ttrace.Trail.Export;

/// <summary>
/// Writes an export bundle: a .tar.gz with one top-level directory holding README.txt, manifest.json,
/// verification.txt, the window's birth_records.tsv and snapshots.tsv, checkpoints/ and SHA256SUMS
/// (over every other file, `sha256sum -c` compatible).
/// </summary>
public static class BundleWriter
{
    /// <summary>The files of the bundle in the order they are written; SHA256SUMS last.</summary>
    public static IReadOnlyList<BundleFile> Files(BundleRequest r)
    {
        var files = new List<BundleFile>
        {
            new(StateDirectory.BirthRecordsFile, Tsv(r.Trail.BirthHeader, r.Trail.Births)),
            new(StateDirectory.TimelineFile, Tsv(r.Trail.TimelineHeader, r.Trail.Timeline)),
        };
        files.AddRange(r.Checkpoints.Select(c => c with { Name = $"{BundleLayout.ChainDir}/{c.Name}" }));
        files.Add(new(BundleLayout.Verification, Encoding.UTF8.GetBytes(VerificationReport(r))));
        files.Add(new(BundleLayout.Readme, Encoding.UTF8.GetBytes(BundleReadme.Text)));
        files.Add(new(BundleLayout.Manifest, Manifest(r)));
        files.Add(new(BundleLayout.Sums, Encoding.UTF8.GetBytes(Sha256Sums.Format(files))));
        return files;
    }

    public static void Write(Stream output, string rootName, IReadOnlyList<BundleFile> files, DateTime mtimeUtc, Action<long, long>? progress = null)
    {
        var total = files.Sum(f => (long)f.Content.Length);
        long done = 0;
        using var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        using var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true);
        var dirs = new HashSet<string>(StringComparer.Ordinal);
        AddDirectory(tar, rootName, mtimeUtc, dirs);
        foreach (var f in files)
        {
            var slash = f.Name.LastIndexOf('/');
            if (slash > 0)
            {
                AddDirectory(tar, $"{rootName}/{f.Name[..slash]}", mtimeUtc, dirs);
            }
            var entry = new PaxTarEntry(TarEntryType.RegularFile, $"{rootName}/{f.Name}")
            {
                DataStream = new MemoryStream(f.Content, writable: false),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                ModificationTime = mtimeUtc,
                UserName = "root",
                GroupName = "root",
            };
            tar.WriteEntry(entry);
            done += f.Content.Length;
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

    private static byte[] Tsv(string header, IReadOnlyList<TrailRow> rows)
    {
        var sb = new StringBuilder(header.Length + 1 + rows.Sum(r => r.Line.Length + 1));
        sb.Append(header).Append('\n');
        foreach (var r in rows)
        {
            sb.Append(r.Line).Append('\n');
        }
        return new UTF8Encoding(false).GetBytes(sb.ToString());
    }

    private static byte[] Manifest(BundleRequest r)
    {
        var t = r.Trail;
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
            foreach (var id in BootIds(r))
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
            w.WriteNumber("birth_records", t.Births.Count);
            w.WriteNumber("birth_records_in_window", t.BirthsInWindow);
            w.WriteNumber("timeline_events", t.Timeline.Count);
            w.WriteStartObject("timeline_by_event");
            foreach (var g in t.Timeline.GroupBy(e => e["event"]).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(g.Key, g.Count());
            }
            w.WriteEndObject();
            w.WriteNumber("events_without_birth_record", t.EventsWithoutBirth);
            w.WriteEndObject();
            // Rows per TSV file: `verify --bundle` counts them again.
            w.WriteStartObject("files");
            w.WriteStartObject(StateDirectory.BirthRecordsFile);
            w.WriteNumber("rows", t.Births.Count);
            w.WriteEndObject();
            w.WriteStartObject(StateDirectory.TimelineFile);
            w.WriteNumber("rows", t.Timeline.Count);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("chain_files");
            foreach (var c in r.Checkpoints)
            {
                w.WriteStringValue($"{BundleLayout.ChainDir}/{c.Name}");
            }
            w.WriteEndArray();
            if (r.Verification is { } v)
            {
                w.WriteStartObject("chain_heads");
                foreach (var (k, h) in v.ChainHeads.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    w.WriteString(k, h);
                }
                w.WriteEndObject();
                w.WriteBoolean("trail_verified", v.Ok);
            }
            else
            {
                w.WriteNull("chain_heads");
                w.WriteString("trail_verified", "not available: this build has no trail chain verifier");
            }
            w.WriteEndObject();
        }
        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }

    private static IEnumerable<string> BootIds(BundleRequest r)
    {
        // A trail that records boot_id per row lists every boot in the window; otherwise the exporting boot.
        var ids = r.Trail.Births.Select(b => b.Get("boot_id")).Concat(r.Trail.Timeline.Select(e => e.Get("boot_id")))
            .Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToHashSet(StringComparer.Ordinal);
        ids.Add(r.Host.BootId);
        return ids.OrderBy(s => s, StringComparer.Ordinal);
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

    private static string VerificationReport(BundleRequest r)
    {
        var t = r.Trail;
        var sb = new StringBuilder();
        sb.Append("n3ttrace verification report, written at export\n");
        sb.Append($"exported at:  {Timestamp.ToRecord(r.ExportUtc)}\n");
        sb.Append($"window:       {t.Window.SinceRecord} <= ts < {t.Window.UntilRecord}\n\n");
        sb.Append($"trail read:   {t.BirthRowsRead} birth records, {t.TimelineRowsRead} timeline rows\n");
        sb.Append($"malformed:    {t.MalformedRows} rows with a wrong field count (skipped)\n");
        if (t.UnresolvedRows > 0)
        {
            sb.Append($"unresolved:   {t.UnresolvedRows} rows whose process certificate or reasons text is not in the trail (those fields empty)\n");
        }
        sb.Append($"exported:     {t.Births.Count} birth records ({t.BirthsInWindow} born in the window, the rest born earlier and seen in it), {t.Timeline.Count} timeline events\n");
        sb.Append($"unmatched:    {t.EventsWithoutBirth} timeline events whose birth record is not in the trail\n");
        foreach (var note in r.CheckpointNotes)
        {
            sb.Append($"checkpoints:  {note}\n");
        }
        sb.Append('\n');
        if (r.Verification is { } v)
        {
            sb.Append($"trail chain:  {(v.Ok ? "VERIFIED" : "FAILED")}\n").Append(v.Report.TrimEnd()).Append('\n');
        }
        else
        {
            sb.Append("trail chain:  NOT VERIFIED: this build of n3ttrace has no trail chain verifier;\n");
            sb.Append("              the checksums in SHA256SUMS protect the bundle from here on, not the trail before it.\n");
        }
        return sb.ToString();
    }
}
