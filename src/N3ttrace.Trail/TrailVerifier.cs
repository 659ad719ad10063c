using System.Globalization;
using System.Text;
using N3ttrace.Time;

namespace N3ttrace.Trail;

/// <summary>
/// Checks a trail: each chained file row by row (<see cref="ChainScanner"/>), every checkpoint
/// against the rows it sealed, and with the verification key every seal against its epoch's key.
/// Without the key only the plain chains and checkpoint consistency are checked: whoever can write
/// the files can then recompute them. With the key, rows sealed in an epoch before the intruder
/// took the current key cannot be changed, removed or re-sealed without it showing.
/// </summary>
public static class TrailVerifier
{
    /// <summary>A chain event (start, stop, epoch mark) is written just before it is sealed;
    /// this much clock slack is allowed between the two.</summary>
    private static readonly TimeSpan SealSlack = TimeSpan.FromSeconds(60);

    private sealed record Seal(long Line, long Rows, byte[] Head, long Epoch, DateTime Ts, string Kind);

    /// <summary>Verifies the trail files of a state directory.</summary>
    public static VerifyReport Verify(string stateDir, VerifyKey? key)
    {
        var dir = StateDirectory.Open(stateDir, create: false);
        return Verify(
            dir.FilePath(StateDirectory.BirthRecordsFile), dir.FilePath(StateDirectory.TimelineFile), dir.FilePath(CheckpointColumns.FileName), key);
    }

    /// <summary>Verifies trail files given by path; the format-2 dictionaries (processes, reasons) are looked for beside the birth records.</summary>
    public static VerifyReport Verify(string birthRecordsPath, string timelinePath, string checkpointsPath, VerifyKey? key)
    {
        var dir = Path.GetDirectoryName(birthRecordsPath) ?? ".";
        return Verify(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [StateDirectory.BirthRecordsFile] = birthRecordsPath,
            [StateDirectory.TimelineFile] = timelinePath,
            [ProcessCertificateColumns.FileName] = Path.Combine(dir, ProcessCertificateColumns.FileName),
            [ReasonColumns.FileName] = Path.Combine(dir, ReasonColumns.FileName),
        }, checkpointsPath, key);
    }

    /// <summary>Verifies trail files given by path (e.g. copies in an export bundle): data file name -> path.</summary>
    public static VerifyReport Verify(IReadOnlyDictionary<string, string> dataPaths, string checkpointsPath, VerifyKey? key)
    {
        var report = new VerifyReport { KeyUsed = key is not null };
        var seals = ScanCheckpoints(checkpointsPath, key, report);
        // The data files are independent once the seals are known: check them side by side.
        // A format-1 trail has no dictionaries: they are checked only when present or sealed.
        var files = TrailSchema.SealedFiles
            .Where(f => f == TrailSchema.BirthRecords || f == TrailSchema.Timeline || seals[f.Name].Count > 0
                || (dataPaths.TryGetValue(f.Name, out var p) && File.Exists(p)))
            .ToList();
        var parts = files.Select(_ => new VerifyReport()).ToArray();
        try
        {
            Parallel.For(0, files.Count, i => ScanData(dataPaths.GetValueOrDefault(files[i].Name) ?? "", files[i], seals,
                key is null ? null : key with { }, parts[i]));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // A refused or unreadable file is the caller's error to report, not a parallel-invoke wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        foreach (var part in parts)
        {
            report.Files.AddRange(part.Files);
            foreach (var d in part.Damages)
            {
                report.Add(d);
            }
            report.DamagesFound += part.DamagesFound - part.Damages.Count;
        }
        return report;
    }

    private static Dictionary<string, List<Seal>> ScanCheckpoints(string path, VerifyKey? key, VerifyReport report)
    {
        var file = CheckpointColumns.FileName;
        var sum = new ChainSummary(file);
        report.Files.Add(sum);
        var seals = TrailSchema.SealedFiles.ToDictionary(f => f.Name, _ => new List<Seal>(), StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            report.Add(new Damage(file, 0, DamageKind.Truncation, "the checkpoints file is missing"));
            return seals;
        }
        sum.Present = true;
        var scanner = new ChainScanner(file, TrailSchema.Checkpoints.DataColumns, TrailSchema.Checkpoints.Sealed, report, sum, TrailSchema.Checkpoints.LegacyDataColumns);
        var lastEpoch = -1L;
        var lastKind = "";
        scanner.Scan(TrailReader.OpenShared(path), (ref ChainScanner.Row row) =>
        {
            var f = Encoding.UTF8.GetString(row.Text).Split('\t');
            if (f.Length < 6 || !TryTs(f[0], out var ts)
                || !long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
                || !long.TryParse(f[4], NumberStyles.None, CultureInfo.InvariantCulture, out var rows))
            {
                report.Add(new Damage(file, row.Line, DamageKind.Edit, "checkpoint fields cannot be read"));
                return;
            }
            sum.DataRows++;
            Track(sum, f[0]);
            report.Checkpoints++;
            if (epoch < lastEpoch)
            {
                report.Add(new Damage(file, row.Line, DamageKind.Seal, $"epoch goes back from {lastEpoch} to {epoch}"));
            }
            if (key is not null)
            {
                if (report.FirstEpoch < 0 && epoch != 0)
                {
                    report.Add(new Damage(file, row.Line, DamageKind.Seal, $"the first seal is of epoch {epoch}: the seals of epochs 0..{epoch - 1} are missing"));
                }
                // The key walk takes one hash per epoch: an epoch that has not begun yet (a forged 10^12) is damage, not a walk.
                if (key.EpochStart(epoch) > DateTime.UtcNow + TimeSpan.FromDays(1))
                {
                    report.Add(new Damage(file, row.Line, DamageKind.Seal, $"the seal names epoch {epoch}, which has not begun yet"));
                }
                else if (!row.Mac.SequenceEqual(Encoding.ASCII.GetBytes(VerifyKey.Mac(key.KeyFor(epoch), epoch, Encoding.ASCII.GetString(row.Hash)))))
                {
                    report.Add(new Damage(file, row.Line, DamageKind.Seal, $"the seal does not verify with the key of epoch {epoch}"));
                }
                if (ts < key.EpochStart(epoch) - TimeSpan.FromSeconds(2))
                {
                    report.Add(new Damage(file, row.Line, DamageKind.Seal, $"sealed at {f[0]}, before epoch {epoch} began ({Timestamp.ToRecord(key.EpochStart(epoch))})"));
                }
            }
            if (key is not null && lastEpoch >= 0)
            {
                CheckContinuity(report, file, row.Line, lastKind, lastEpoch, f[1], epoch);
            }
            if (report.FirstEpoch < 0)
            {
                report.FirstEpoch = epoch;
            }
            lastKind = f[1];
            report.EndsWithStop = lastKind == CheckpointColumns.Stop;
            lastEpoch = Math.Max(lastEpoch, epoch);
            report.LastEpoch = lastEpoch;
            report.LastSealTs = f[0];
            if (!seals.TryGetValue(f[3], out var list))
            {
                report.Add(new Damage(file, row.Line, DamageKind.Edit, $"checkpoint names an unknown file '{Text.TextEscaper.Escape(f[3])}'"));
                return;
            }
            if (list.Count > 0 && rows < list[^1].Rows)
            {
                report.Add(new Damage(file, row.Line, DamageKind.Reordering, $"checkpoint of {f[3]} goes back from row {list[^1].Rows} to {rows}"));
                return;
            }
            list.Add(new Seal(row.Line, rows, Encoding.ASCII.GetBytes(f[5]), epoch, ts, f[1]));
        });
        return seals;
    }

    /// <summary>
    /// A running trail seals every epoch (an epoch-end seal, or one per epoch it slept through), so within a
    /// run the epochs of consecutive seals step by at most one. Only a stop or a resume (the first seal of a
    /// restart, made with the key of the run before) may be followed by a jump: the time the tracer was down.
    /// Stripping the seals of some epochs and re-sealing with a later key leaves exactly such a jump.
    /// </summary>
    private static void CheckContinuity(VerifyReport report, string file, long line, string lastKind, long lastEpoch, string kind, long epoch)
    {
        if (lastKind == CheckpointColumns.Stop && kind is not (CheckpointColumns.Resume or CheckpointColumns.Start or CheckpointColumns.Stop))
        {
            report.Add(new Damage(file, line, DamageKind.Seal, $"a {Text.TextEscaper.Escape(kind)} seal follows the stop seal without a restart: sealed after the trail was stopped"));
        }
        var down = lastKind is CheckpointColumns.Stop or CheckpointColumns.Resume;
        if (!down && epoch > lastEpoch + 1)
        {
            report.Add(new Damage(file, line, DamageKind.Seal,
                $"epochs {lastEpoch + 1}..{epoch - 1} have no seal although the trail was running (last seal: {Text.TextEscaper.Escape(lastKind)}): their seals were stripped"));
        }
    }

    private static void ScanData(string path, TrailFile trailFile, Dictionary<string, List<Seal>> allSeals, VerifyKey? key, VerifyReport report)
    {
        var file = trailFile.Name;
        var sum = new ChainSummary(file);
        report.Files.Add(sum);
        var seals = allSeals[file];
        if (!File.Exists(path))
        {
            if (seals.Count > 0 && seals[^1].Rows > 0)
            {
                report.Add(new Damage(file, 0, DamageKind.Truncation, $"the file is missing, but checkpoints sealed {seals[^1].Rows} rows of it"));
            }
            return;
        }
        sum.Present = true;
        var next = 0;
        var stopped = false;
        var stopSeq = 0L;
        var span = new TsSpan();
        var scanner = new ChainScanner(file, trailFile.DataColumns, trailFile.Sealed, report, sum, trailFile.LegacyDataColumns, trailFile.Format2DataColumns,
            trailFile.EarlierHeaderLines);
        scanner.Scan(TrailReader.OpenShared(path), (ref ChainScanner.Row row) =>
        {
            while (next < seals.Count && seals[next].Rows < row.Seq)
            {
                next++;
            }
            // Every checkpoint that sealed this row must have sealed exactly these bytes.
            for (var i = next; i < seals.Count && seals[i].Rows == row.Seq; i++)
            {
                if (!seals[i].Head.AsSpan().SequenceEqual(row.Hash))
                {
                    report.Add(new Damage(file, row.Line, DamageKind.Edit,
                        $"row {row.Seq} is not the row the checkpoint at {CheckpointColumns.FileName} line {seals[i].Line} sealed"));
                    break;
                }
            }
            if (next < seals.Count)
            {
                sum.SealedRows = row.Seq;
            }
            if (row.Event.IsEmpty)
            {
                sum.DataRows++;
                span.Track(row.Ts);
                if (stopped)
                {
                    report.Add(new Damage(file, row.Line, DamageKind.Edit, $"row {row.Seq} comes after the stop record (row {stopSeq}) without a start: appended after the trail was stopped"));
                }
                sum.LastEvent = "";
                if (key is not null && next < seals.Count && TryTs(Encoding.ASCII.GetString(row.Ts), out var rowTs))
                {
                    CheckRowTime(report, file, row.Line, row.Seq, rowTs, seals, next, key);
                }
                return;
            }
            var evt = Encoding.UTF8.GetString(row.Event);
            var kind = evt.Split(' ')[0];
            sum.LastEvent = kind;
            switch (kind)
            {
                case ChainColumns.Start: sum.Starts++; stopped = false; break;
                case ChainColumns.Stop:
                    if (stopped)
                    {
                        report.Add(new Damage(file, row.Line, DamageKind.Edit, $"a second stop record (row {row.Seq}) without a start after row {stopSeq}"));
                    }
                    sum.Stops++;
                    stopped = true;
                    stopSeq = row.Seq;
                    break;
                case ChainColumns.Recovery:
                case ChainColumns.WriteFailure:
                    sum.Recoveries.Add($"line {row.Line} ({Encoding.ASCII.GetString(row.Ts)}): {evt}");
                    if (kind == ChainColumns.WriteFailure)
                    {
                        sum.Gaps.Add($"line {row.Line}: {evt}");
                    }
                    break;
                case ChainColumns.Gap:
                    sum.Gaps.Add($"line {row.Line}: {evt}");
                    break;
            }
            // A chain event carries the time it was written: the seal that first covers it must belong to that time.
            if (key is not null && next < seals.Count && TryTs(Encoding.ASCII.GetString(row.Ts), out var ts))
            {
                var s = seals[next];
                if (ts < key.EpochStart(s.Epoch) - SealSlack)
                {
                    report.Add(new Damage(file, row.Line, DamageKind.Seal,
                        $"written at {Encoding.ASCII.GetString(row.Ts)} but first sealed in epoch {s.Epoch} (from {Timestamp.ToRecord(key.EpochStart(s.Epoch))}): the seals of its own epoch are missing"));
                }
                else if (ts > s.Ts + SealSlack)
                {
                    report.Add(new Damage(file, row.Line, DamageKind.Seal, $"written at {Encoding.ASCII.GetString(row.Ts)}, after the seal that covers it ({Timestamp.ToRecord(s.Ts)})"));
                }
            }
        });
        sum.FirstTs = span.First;
        sum.LastTs = span.Last;
        var lastSeq = scanner.LastSeq;
        foreach (var s in seals)
        {
            if (s.Rows > lastSeq)
            {
                report.Add(new Damage(file, sum.Rows + 1, DamageKind.Truncation,
                    $"{CheckpointColumns.FileName} line {s.Line} sealed {s.Rows} rows, the file ends after row {lastSeq}"));
                break;
            }
        }
        if (sum.LastEvent == ChainColumns.Stop && (seals.Count == 0 || seals[^1].Rows < lastSeq))
        {
            report.Add(new Damage(CheckpointColumns.FileName, 0, DamageKind.Truncation,
                $"the stop record of {file} (row {lastSeq}) is not sealed: the end of the checkpoints was removed"));
        }
    }

    /// <summary>
    /// A record is sealed in the epoch it was written in (or, at an epoch's edge, the next one): its time
    /// must lie between the start of its first seal's epoch and that seal. A row backdated into an old
    /// epoch but sealed with a later key fails the first test; a row dated after its seal, the second.
    /// Rows right after a start (the connections already open when the tracer started) carry older birth
    /// times by design; they are sealed before anything else happens in the run, so they are exempt.
    /// </summary>
    private static void CheckRowTime(VerifyReport report, string file, long line, long seq, DateTime ts, List<Seal> seals, int next, VerifyKey key)
    {
        var s = seals[next];
        var atStart = next > 0 && seals[next - 1].Kind == CheckpointColumns.Start;
        if (!atStart && ts < key.EpochStart(s.Epoch) - SealSlack)
        {
            report.Add(new Damage(file, line, DamageKind.Seal,
                $"row {seq} is dated {Timestamp.ToRecord(ts)} but first sealed in epoch {s.Epoch} (from {Timestamp.ToRecord(key.EpochStart(s.Epoch))}): backdated, or the seals of its epoch are missing"));
        }
        else if (ts > s.Ts + SealSlack)
        {
            report.Add(new Damage(file, line, DamageKind.Seal, $"row {seq} is dated {Timestamp.ToRecord(ts)}, after the seal that covers it ({Timestamp.ToRecord(s.Ts)})"));
        }
    }

    private static void Track(ChainSummary sum, string ts)
    {
        if (ts.Length == 0)
        {
            return;
        }
        if (sum.FirstTs is null || string.CompareOrdinal(ts, sum.FirstTs) < 0)
        {
            sum.FirstTs = ts;
        }
        if (sum.LastTs is null || string.CompareOrdinal(ts, sum.LastTs) > 0)
        {
            sum.LastTs = ts;
        }
    }

    private static bool TryTs(string s, out DateTime ts) =>
        DateTime.TryParseExact(s, Timestamp.Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out ts);
}
