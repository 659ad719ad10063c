using System.Globalization;
using System.Text.Json;
using N3ttrace.Time;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>[export] `n3ttrace export` and `verify --bundle` on a trail written by a real `n3ttrace run`.</summary>
public sealed class ExportTests(RecordedTrail trail) : IClassFixture<RecordedTrail>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("n3t-export-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string[] Window(RecordedTrail t) =>
        ["export", "--state-dir", t.StateDir, "--since", Timestamp.ToRecord(t.Since.AddSeconds(-1)), "--until", Timestamp.ToRecord(t.Until)];

    private string ExportBundle(RecordedTrail t, string name = "case-7.tar.gz")
    {
        var output = Path.Combine(_work, name);
        var r = CliProcess.N3ttrace(_work, [.. Window(t), "--output", output, "--case-id", "CASE-7", "--examiner", "A. Examiner"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("sha256 ", r.Stdout, StringComparison.Ordinal);
        return output;
    }

    /// <summary>Copies the bundle alone into a fresh directory: verification there has no state directory.</summary>
    private string Elsewhere(string bundle)
    {
        var fresh = Directory.CreateDirectory(Path.Combine(_work, $"fresh-{Guid.NewGuid():N}")).FullName;
        var copy = Path.Combine(fresh, Path.GetFileName(bundle));
        File.Copy(bundle, copy);
        return copy;
    }

    private static CliProcess Tar(string cwd, params string[] args) => CliProcess.Run("tar", args, cwd);

    [BpfFact]
    public async Task Bundle_verifies_offline_in_a_fresh_directory_and_with_sha256sum()
    {
        var t = await trail.GetAsync();
        var bundle = Elsewhere(ExportBundle(t));
        var dir = Path.GetDirectoryName(bundle)!;
        Assert.Equal([Path.GetFileName(bundle)], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));

        var v = CliProcess.N3ttrace(dir, "verify", "--bundle", bundle);
        Assert.True(v.ExitCode == 0, v.ToString());
        Assert.Contains("bundle OK", v.Stdout, StringComparison.Ordinal);
        Assert.Contains("CASE-7", v.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, Tar(dir, "-xzf", bundle).ExitCode);
        var root = Path.Combine(dir, "case-7");
        var sums = CliProcess.Run("sha256sum", ["-c", "SHA256SUMS"], root);
        Assert.True(sums.ExitCode == 0, sums.ToString());
        var listed = File.ReadAllLines(Path.Combine(root, "SHA256SUMS")).Select(l => l[66..]).Order().ToArray();
        Assert.Equal(["README.txt", "birth_records.tsv", "manifest.json", "snapshots.tsv",
            "trail/birth_records.tsv", "trail/checkpoints.tsv", "trail/processes.tsv", "trail/reasons.tsv", "trail/snapshots.tsv", "verification.txt"], listed);
        Assert.Contains("plain hash chain intact", v.Stdout, StringComparison.Ordinal);

        // The records of the window are in it, and the manifest counts them.
        var births = TsvFile.Read(Path.Combine(root, "birth_records.tsv"));
        var ours = births.Single(r => r["cmdline"].EndsWith(t.Marker, StringComparison.Ordinal)); // not the "-refused" one
        var events = TsvFile.Read(Path.Combine(root, "snapshots.tsv")).Where(e => e["conn_id"] == ours["conn_id"]).Select(e => e["event"]);
        Assert.Equal(["birth", "death"], events);
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "manifest.json")));
        var m = manifest.RootElement;
        Assert.Equal(births.Count, m.GetProperty("records").GetProperty("birth_records").GetInt32());
        Assert.Equal("CASE-7", m.GetProperty("case").GetProperty("case_id").GetString());
        Assert.Equal("A. Examiner", m.GetProperty("case").GetProperty("examiner").GetString());
        Assert.Equal(File.ReadAllText("/etc/machine-id").Trim(), m.GetProperty("host").GetProperty("machine_id").GetString());
        Assert.Contains(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim(),
            m.GetProperty("host").GetProperty("boot_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.False(File.Exists(Path.Combine(root, "host.key")));
    }

    [BpfFact]
    public async Task Verify_names_the_file_that_was_tampered_with()
    {
        var t = await trail.GetAsync();
        var bundle = Elsewhere(ExportBundle(t, "tamper.tar.gz"));
        var dir = Path.GetDirectoryName(bundle)!;
        Assert.Equal(0, Tar(dir, "-xzf", bundle).ExitCode);
        var timeline = Path.Combine(dir, "tamper", "snapshots.tsv");
        var lines = File.ReadAllLines(timeline).ToList();
        var i = lines.FindIndex(l => l.Contains("\tdeath\t", StringComparison.Ordinal));
        lines.RemoveAt(i); // an intruder deleting the death of a connection
        File.WriteAllLines(timeline, lines);
        var tampered = Path.Combine(dir, "tampered.tar.gz");
        Assert.Equal(0, Tar(dir, "-czf", tampered, "tamper").ExitCode);

        var v = CliProcess.N3ttrace(dir, "verify", "--bundle", tampered);
        Assert.Equal(1, v.ExitCode);
        Assert.Contains("snapshots.tsv: checksum mismatch", v.Stderr, StringComparison.Ordinal);
        Assert.Contains("FAILED    snapshots.tsv", v.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("birth_records.tsv:", v.Stderr, StringComparison.Ordinal);

        // A file slipped in after export is named too.
        File.WriteAllText(Path.Combine(dir, "tamper", "extra.txt"), "planted");
        var planted = Path.Combine(dir, "planted.tar.gz");
        Assert.Equal(0, Tar(dir, "-czf", planted, "tamper").ExitCode);
        v = CliProcess.N3ttrace(dir, "verify", "--bundle", planted);
        Assert.Equal(1, v.ExitCode);
        Assert.Contains("extra.txt: in the bundle but not in SHA256SUMS", v.Stderr, StringComparison.Ordinal);

        // Not a bundle at all.
        var junk = Path.Combine(dir, "junk.tar.gz");
        File.WriteAllText(junk, "not gzip");
        v = CliProcess.N3ttrace(dir, "verify", "--bundle", junk);
        Assert.Equal(1, v.ExitCode);
        Assert.Contains("not a readable .tar.gz bundle", v.Stderr, StringComparison.Ordinal);
    }

    [BpfFact]
    public async Task Ocsf_lines_have_the_network_activity_fields_and_no_raw_remote_address()
    {
        var t = await trail.GetAsync();
        var output = Path.Combine(_work, "events.ocsf.jsonl");
        var r = CliProcess.N3ttrace(_work, [.. Window(t), "--output", output, "--format", "ocsf"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var text = File.ReadAllText(output);
        Assert.DoesNotContain($"127.0.0.1:{t.Port}", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"127.0.0.1:{t.RefusedPort}", text, StringComparison.Ordinal);

        var lines = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(lines, AssertNetworkActivity);
        var ours = lines.Where(l => l.GetProperty("actor").GetProperty("process").TryGetProperty("cmd_line", out var c)
            && c.GetString()!.Contains(t.Marker, StringComparison.Ordinal)).ToList();
        Assert.Equal([1, 2, 4], ours.Select(o => o.GetProperty("activity_id").GetInt32()).Order());
        var open = ours.Single(o => o.GetProperty("activity_id").GetInt32() == 1);
        var close = ours.Single(o => o.GetProperty("activity_id").GetInt32() == 2);
        Assert.Equal(t.Port, open.GetProperty("dst_endpoint").GetProperty("port").GetInt32());
        Assert.Equal("127.0.0.0/24", open.GetProperty("unmapped").GetProperty("remote_masked").GetString());
        Assert.InRange(close.GetProperty("duration").GetInt64(), 300, 5000);
        var rec = t.Births.Single(b => b["conn_id"] == open.GetProperty("connection_info").GetProperty("uid").GetString());
        Assert.Equal(rec["remote_hash"], open.GetProperty("dst_endpoint").GetProperty("uid").GetString());
        Assert.Equal(rec["process_id"], open.GetProperty("unmapped").GetProperty("process_id").GetString());
        Assert.Equal(rec["ancestry_id"], open.GetProperty("unmapped").GetProperty("ancestry_id").GetString());
        Assert.Equal(int.Parse(rec["pid"], CultureInfo.InvariantCulture), open.GetProperty("actor").GetProperty("process").GetProperty("pid").GetInt32());
        Assert.True(open.GetProperty("actor").GetProperty("process").TryGetProperty("created_time", out _));
    }

    /// <summary>The attributes OCSF 1.4.0 requires of a Network Activity event, and the destination contract.</summary>
    private static void AssertNetworkActivity(JsonElement e)
    {
        foreach (var f in (string[])["activity_id", "category_uid", "class_uid", "type_uid", "time", "severity_id", "metadata"])
        {
            Assert.True(e.TryGetProperty(f, out _), $"missing {f}: {e}");
        }
        Assert.Equal(4001, e.GetProperty("class_uid").GetInt32());
        Assert.Equal(4, e.GetProperty("category_uid").GetInt32());
        Assert.Equal(4001 * 100 + e.GetProperty("activity_id").GetInt32(), e.GetProperty("type_uid").GetInt64());
        Assert.Contains(e.GetProperty("activity_id").GetInt32(), (int[])[1, 2, 4, 99]);
        Assert.True(e.GetProperty("time").GetInt64() > 1_700_000_000_000);
        var md = e.GetProperty("metadata");
        Assert.False(string.IsNullOrEmpty(md.GetProperty("version").GetString()));
        Assert.Equal("n3ttrace", md.GetProperty("product").GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(md.GetProperty("product").GetProperty("version").GetString()));
        Assert.True(e.TryGetProperty("dst_endpoint", out var dst));
        Assert.False(dst.TryGetProperty("ip", out _), "dst_endpoint must not carry an address");
        Assert.Matches("^[0-9a-f]{32}$", dst.GetProperty("uid").GetString());
        // 2 outbound; the trail also holds the test listener's accepted connections (1 inbound) and listeners (99).
        Assert.Contains(e.GetProperty("connection_info").GetProperty("direction_id").GetInt32(), (int[])[1, 2, 99]);
        Assert.True(e.GetProperty("actor").TryGetProperty("process", out _));
    }

    [BpfFact]
    public async Task Jsonl_is_the_flat_record_per_event()
    {
        var t = await trail.GetAsync();
        var r = CliProcess.N3ttrace(_work, [.. Window(t), "--output", "-", "--format", "jsonl"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var ours = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(o => o.GetProperty("cmdline").GetString()!.Contains(t.Marker, StringComparison.Ordinal)).ToList();
        Assert.Equal(["birth", "death", "fail"], ours.Select(o => o.GetProperty("event").GetString()).Order());
        Assert.All(ours, o => Assert.Equal(JsonValueKind.Number, o.GetProperty("pid").ValueKind));
        Assert.All(ours, o => Assert.Equal("tcp", o.GetProperty("proto").GetString()));
        Assert.DoesNotContain($"127.0.0.1:{t.Port}", r.Stdout, StringComparison.Ordinal);
    }

    [BpfFact]
    public async Task Bad_times_unwritable_outputs_and_empty_windows_are_clear_errors()
    {
        var t = await trail.GetAsync();
        var r = CliProcess.N3ttrace(_work, "export", "--state-dir", t.StateDir, "--since", "yesterday-ish", "--output", Path.Combine(_work, "x.tar.gz"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is not a time", r.Stderr, StringComparison.Ordinal);

        r = CliProcess.N3ttrace(_work, "export", "--state-dir", t.StateDir, "--since", "now", "--until", "-1h", "--output", Path.Combine(_work, "x.tar.gz"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("must be before --until", r.Stderr, StringComparison.Ordinal);

        r = CliProcess.N3ttrace(_work, "export", "--state-dir", t.StateDir, "--since", "2001-01-01T00:00:00Z", "--until", "2001-01-02T00:00:00Z", "--output", Path.Combine(_work, "x.tar.gz"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no records between 2001-01-01T00:00:00.000000Z and 2001-01-02T00:00:00.000000Z", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_work, "x.tar.gz")));

        r = CliProcess.N3ttrace(_work, [.. Window(t), "--output", "/nonexistent-dir/x.tar.gz"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("directory /nonexistent-dir does not exist", r.Stderr, StringComparison.Ordinal);

        var existing = Path.Combine(_work, "exists.tar.gz");
        File.WriteAllText(existing, "keep me");
        r = CliProcess.N3ttrace(_work, [.. Window(t), "--output", existing]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("already exists", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(existing));

        r = CliProcess.N3ttrace(_work, "export", "--state-dir", Path.Combine(_work, "no-state"), "--since", "-1h", "--output", Path.Combine(_work, "y.jsonl"), "--format", "jsonl");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("does not exist", r.Stderr, StringComparison.Ordinal);
    }
}
