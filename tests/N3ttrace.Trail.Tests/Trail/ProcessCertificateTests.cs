using System.Globalization;
using System.Text;
using System.Text.Json;
using N3ttrace.Bench.Trail;
using N3ttrace.Trail;
using N3ttrace.Trail.Export;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>
/// [retention] Format 2: each process certificate and reasons text is stored once, birth records point to them,
/// and the one reader joins them back so every consumer sees complete birth certificates; byte counts at death.
/// </summary>
public class ProcessCertificateTests
{
    private static (string Path, StateDirectory Dir, VerifyKey Key, TrailWorkload W) Storm(int processes, long events)
    {
        var path = Directory.CreateTempSubdirectory("n3t-cert-").FullName;
        var dir = StateDirectory.Open(Path.Combine(path, "state"), create: true);
        var w = new TrailWorkload(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), 5) { TargetActive = 30, Processes = processes, ArgvPerProcess = true };
        using var sink = new TrailSink(dir, new TrailOptions { UtcNow = w.Clock, EpochLength = TimeSpan.FromSeconds(60), KeyframeEveryRows = 300 });
        var key = sink.NewVerifyKey!;
        w.Run(sink, events, TimeSpan.FromMilliseconds(50));
        return (path, dir, key, w);
    }

    private static List<TrailRow> Rows(StateDirectory dir, string file, out TrailReader reader)
    {
        using var s = dir.OpenRead(file);
        reader = new TrailReader();
        return reader.ReadData(s).ToList();
    }

    [Fact]
    public void Each_certificate_is_written_once_and_every_birth_record_is_joined_back_whole()
    {
        var (path, dir, key, w) = Storm(processes: 2, events: 3000);
        try
        {
            var certificates = Rows(dir, ProcessCertificateColumns.FileName, out _);
            Assert.Equal(2, certificates.Count);
            Assert.Equal(2, certificates.Select(c => c["process_id"]).Distinct().Count());

            var births = Rows(dir, StateDirectory.BirthRecordsFile, out var reader);
            Assert.Equal(w.Lives.Count, births.Count);
            Assert.Equal(0, reader.Unresolved);
            // Readers see the columns of a complete birth certificate, and no chain_prev (format 3: chain_head).
            Assert.Equal([.. BirthRecordColumns.Names, .. ChainColumns.HeadNames], reader.HeaderLine.Split('\t'));
            foreach (var b in births)
            {
                var life = w.Lives.Single(l => l.ConnId == b["conn_id"]);
                Assert.Equal($"worker{life.Pid % 7} --worker {life.Pid}", b["cmdline"]);
                Assert.Equal($"/usr/bin/worker{life.Pid % 7}", b["exe"]);
                Assert.Equal($"p{life.Pid:x}", b["process_id"]);
                Assert.Equal("/srv", b["cwd"]);
                Assert.Equal("tcp", b["proto"]);
                Assert.Equal(b.Line, string.Join('\t', b.Columns().Select(c => c.Value)));
            }
            // On disk: no certificate text and no chain_prev in the birth records.
            var onDisk = File.ReadAllLines(dir.FilePath(StateDirectory.BirthRecordsFile));
            Assert.DoesNotContain(ChainColumns.Prev, onDisk[0]);
            Assert.DoesNotContain(onDisk.Skip(1), l => l.Contains("/usr/bin/", StringComparison.Ordinal));

            var r = TrailVerifier.Verify(dir.Path, key);
            Assert.True(r.Intact, string.Join("\n", r.Damages));
            Assert.Contains(r.Files, f => f.File == ProcessCertificateColumns.FileName && f.Present && f.DataRows == 2);
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public void Reasons_are_stored_once_and_joined_into_query_rows()
    {
        var (path, dir, _, _) = Storm(processes: 2, events: 3000);
        try
        {
            var reasons = Rows(dir, ReasonColumns.FileName, out _);
            Assert.Single(reasons);
            Assert.Equal("synthetic rule", reasons[0][ReasonColumns.Text]);
            var timeline = File.ReadAllText(dir.FilePath(StateDirectory.TimelineFile));
            Assert.DoesNotContain("synthetic rule", timeline, StringComparison.Ordinal);
            var anomalies = BirthRecordQuery.Run(dir.FilePath(StateDirectory.BirthRecordsFile), dir.FilePath(StateDirectory.TimelineFile), new QueryFilter { Level = "anomaly" });
            Assert.NotEmpty(anomalies);
            var col = BirthRecordQuery.Columns.ToList().IndexOf("reasons");
            Assert.All(anomalies, a => Assert.Equal("synthetic rule", a[col]));
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public void Byte_counts_reach_the_death_row_query_and_ocsf()
    {
        var (path, dir, _, w) = Storm(processes: 2, events: 2000);
        try
        {
            var rows = BirthRecordQuery.Run(dir.FilePath(StateDirectory.BirthRecordsFile), dir.FilePath(StateDirectory.TimelineFile), new QueryFilter());
            var cols = BirthRecordQuery.Columns.ToList();
            var dead = rows.Where(r => r[cols.IndexOf("end")] == "death").ToList();
            Assert.NotEmpty(dead);
            foreach (var r in dead)
            {
                var id = Convert.ToInt64(r[cols.IndexOf("conn_id")], 16);
                Assert.Equal((id * 37 % 100_000).ToString(CultureInfo.InvariantCulture), r[cols.IndexOf("bytes_sent")]);
                Assert.Equal((id * 101 % 1_000_000).ToString(CultureInfo.InvariantCulture), r[cols.IndexOf("bytes_received")]);
            }

            var window = TrailWindow.Read(dir, new TimeWindow(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            var (death, birth) = window.Events().First(e => e.Event["event"] == "death" && e.Event["bytes_sent"] != "0");
            using var ms = new MemoryStream();
            using (var jw = new Utf8JsonWriter(ms))
            {
                OcsfNetworkActivity.Write(jw, death, birth, "test", null);
            }
            using var doc = JsonDocument.Parse(ms.ToArray());
            var traffic = doc.RootElement.GetProperty("traffic");
            Assert.Equal(long.Parse(death["bytes_sent"], CultureInfo.InvariantCulture), traffic.GetProperty("bytes_out").GetInt64());
            Assert.Equal(long.Parse(death["bytes_received"], CultureInfo.InvariantCulture), traffic.GetProperty("bytes_in").GetInt64());
            // The certificate joined into the export's birth row.
            Assert.StartsWith("worker", birth!["cmdline"], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public void An_edited_certificate_is_detected()
    {
        var (path, dir, key, _) = Storm(processes: 2, events: 500);
        try
        {
            var file = dir.FilePath(ProcessCertificateColumns.FileName);
            var text = File.ReadAllText(file);
            File.WriteAllText(file, text.Replace("/usr/bin/worker", "/usr/bin/innocent", StringComparison.Ordinal));
            foreach (var withKey in new[] { false, true })
            {
                var r = TrailVerifier.Verify(dir.Path, withKey ? key : null);
                Assert.False(r.Intact);
                Assert.Contains(r.Damages, d => d.File == ProcessCertificateColumns.FileName && d.Kind == DamageKind.Edit);
            }
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public void A_missing_certificates_file_is_counted_by_the_reader_and_reported_by_verify()
    {
        var (path, dir, key, w) = Storm(processes: 2, events: 500);
        try
        {
            File.Delete(dir.FilePath(ProcessCertificateColumns.FileName));
            var births = Rows(dir, StateDirectory.BirthRecordsFile, out var reader);
            Assert.Equal(w.Lives.Count, births.Count);
            Assert.Equal(births.Count, reader.Unresolved);
            Assert.All(births, b => Assert.Equal("", b["cmdline"]));
            var window = TrailWindow.Read(dir, new TimeWindow(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            Assert.True(window.UnresolvedRows >= births.Count);
            var r = TrailVerifier.Verify(dir.Path, key);
            Assert.False(r.Intact);
            Assert.Contains(r.Damages, d => d.File == ProcessCertificateColumns.FileName && d.Kind == DamageKind.Truncation);
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public void A_row_appended_after_the_stop_seal_of_a_format_2_trail_is_detected()
    {
        using var t = new TrailFixture(events: 3000);
        var path = t.File(StateDirectory.BirthRecordsFile);
        var lines = File.ReadAllLines(path);
        Assert.DoesNotContain(ChainColumns.Prev, lines[0]);
        var last = lines[^1].Split('\t');
        var planted = lines[^2].Split('\t');
        Assert.Equal(ChainColumns.Stop, last[^2]);
        planted[^3] = (long.Parse(last[^3], CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
        planted[^2] = "";
        // The documented recipe: SHA-256 over tag, the stored fields before chain_hash, and the predecessor's hash.
        planted[^1] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(
            $"n3ttrace-chain-v1\n{StateDirectory.BirthRecordsFile}\n" + string.Join('\t', planted[..^1]) + "\t" + last[^1])));
        File.AppendAllText(path, string.Join('\t', planted) + "\n");
        foreach (var withKey in new[] { false, true })
        {
            var r = t.Verify(withKey);
            Assert.False(r.Intact);
            Assert.Contains(r.Damages, d => d.Detail.Contains("after the stop record", StringComparison.Ordinal));
        }
    }
}
