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

    /// <summary>The prune anchors of checkpoints.tsv, per data file (seals of the last pruned row, not of the file's end).</summary>
    private sealed class Anchors : Dictionary<string, Dictionary<long, Seal>>
    {
        public Anchors() : base(StringComparer.Ordinal)
        {
        }
    }

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
    public static VerifyReport Verify(IReadOnlyDictionary<string, string> dataPaths, string checkpointsPath, VerifyKey? key) =>
        Verify(dataPaths, checkpointsPath, key, null);

    /// <summary>
    /// Verifies parts of the chained files (an export bundle's window): with <paramref name="starts"/>, a file's rows
    /// begin after the given row (<see cref="ChainStart"/>; a file not named there begins at the genesis), and the
    /// checkpoints that seal rows past the part's end are not missing rows. A seal inside the part must match the
    /// recomputed chain, which proves the start; a part with a start and no seal inside is reported.
    /// </summary>
    /// With <paramref name="onlyGiven"/>, only the files named in <paramref name="dataPaths"/> are checked (a run of one file).
    public static VerifyReport Verify(IReadOnlyDictionary<string, string> dataPaths, string checkpointsPath, VerifyKey? key, IReadOnlyDictionary<string, ChainStart>? starts, bool onlyGiven = false)
    {
        var report = new VerifyReport { KeyUsed = key is not null };
        var anchors = new Anchors();
        var seals = ScanCheckpoints(checkpointsPath, key, report, anchors);
        // The data files are independent once the seals are known: check them side by side.
        // A format-1 trail has no dictionaries: they are checked only when present or sealed.
        var files = TrailSchema.SealedFiles
            .Where(f => f == TrailSchema.BirthRecords || f == TrailSchema.Timeline || seals[f.Name].Count > 0
                || (dataPaths.TryGetValue(f.Name, out var p) && File.Exists(p)))
            .Where(f => !onlyGiven || dataPaths.ContainsKey(f.Name))
            .ToList();
        var parts = files.Select(_ => new VerifyReport()).ToArray();
        try
        {
            Parallel.For(0, files.Count, i => ScanData(dataPaths.GetValueOrDefault(files[i].Name) ?? "", files[i], seals,
                anchors.GetValueOrDefault(files[i].Name) ?? [], key is null ? null : key with { }, parts[i], starts is null ? null : new Part(starts.GetValueOrDefault(files[i].Name))));
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

    private static Dictionary<string, List<Seal>> ScanCheckpoints(string path, VerifyKey? key, VerifyReport report, Anchors anchors)
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
            if (!row.Event.IsEmpty)
            {
                // A chain event (a write-failure after a full disk): no checkpoint, but what the file says happened to it.
                sum.Recoveries.Add($"line {row.Line} ({Encoding.ASCII.GetString(row.Ts)}): {Encoding.UTF8.GetString(row.Event)}");
                return;
            }
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
            if (f[1] == CheckpointColumns.Prune)
            {
                if (!anchors.TryGetValue(f[3], out var mine))
                {
                    anchors[f[3]] = mine = [];
                }
                mine[rows] = new Seal(row.Line, rows, Encoding.ASCII.GetBytes(f[5]), epoch, ts, f[1]);
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

    /// <summary>A part of a chained file (export bundle): where it starts (null: at the genesis); its end is open.</summary>
    private sealed record Part(ChainStart? Start);

    private static void ScanData(string path, TrailFile trailFile, Dictionary<string, List<Seal>> allSeals, Dictionary<long, Seal> anchors, VerifyKey? key, VerifyReport report, Part? part = null)
    {
        var file = trailFile.Name;
        var sum = new ChainSummary(file);
        report.Files.Add(sum);
        var seals = allSeals[file];
        if (part is not null)
        {
            ScanPart(path, trailFile, seals, key, report, sum, part);
            return;
        }
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
            trailFile.EarlierHeaderLines)
        {
            Anchors = anchors.ToDictionary(a => a.Key, a => a.Value.Head),
        };
        // Prune records in the chain: last pruned seq -> (line, record), checked against the sealed anchors at the end.
        var pruneRecords = new Dictionary<long, (long Line, string Hash)>();
        scanner.Scan(TrailReader.OpenShared(path), (ref ChainScanner.Row row) =>
        {
            // A prune anchor whose rows are still here (a prune a crash cut short) must name them as they are.
            if (anchors.TryGetValue(row.Seq, out var anchored) && !anchored.Head.AsSpan().SequenceEqual(row.Hash))
            {
                report.Add(new Damage(file, row.Line, DamageKind.Edit,
                    $"row {row.Seq} is not the row the prune anchor at {CheckpointColumns.FileName} line {anchored.Line} names"));
            }
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
                sum.SealedRows = row.Seq - scanner.StartsAfter; // rows, not chain_seq: pruned rows are not here
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
                case Segments.PruneRecord.Event:
                    if (Segments.PruneRecord.Parse(evt) is { } pruned)
                    {
                        sum.Prunes.Add($"{pruned} at {Encoding.ASCII.GetString(row.Ts)}");
                        pruneRecords[pruned.LastSeq] = (row.Line, pruned.LastHash);
                    }
                    else
                    {
                        report.Add(new Damage(file, row.Line, DamageKind.Edit, "a prune record that cannot be read"));
                    }
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
        sum.PrunedThrough = scanner.StartsAfter;
        CheckPruneAnchors(report, file, scanner.StartsAfter, anchors, pruneRecords);
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

    /// <summary>A part of a chained file: the chain from its start, every seal inside it, row times against their seals.</summary>
    private static void ScanPart(string path, TrailFile trailFile, List<Seal> seals, VerifyKey? key, VerifyReport report, ChainSummary sum, Part part)
    {
        var file = trailFile.Name;
        if (!TrailReader.TrailExists(path))
        {
            report.Add(new Damage(file, 0, DamageKind.Truncation, "the file is missing from the bundle"));
            return;
        }
        sum.Present = true;
        var startSeq = part.Start?.Seq ?? 0;
        var next = 0;
        while (next < seals.Count && seals[next].Rows < startSeq)
        {
            next++;
        }
        // A seal of the very row before the part seals its start directly.
        var proven = false;
        for (var i = next; i < seals.Count && seals[i].Rows == startSeq && part.Start is { } s0; i++)
        {
            if (!Encoding.ASCII.GetBytes(s0.Hash).AsSpan().SequenceEqual(seals[i].Head))
            {
                report.Add(new Damage(file, 0, DamageKind.Edit, $"the chain start (row {startSeq}) is not the row the checkpoint at {CheckpointColumns.FileName} line {seals[i].Line} sealed"));
            }
            proven = true;
        }
        var span = new TsSpan();
        long sealedThrough = 0;
        var scanner = new ChainScanner(file, trailFile.DataColumns, trailFile.Sealed, report, sum, trailFile.LegacyDataColumns, trailFile.Format2DataColumns,
            trailFile.EarlierHeaderLines);
        using var stream = TrailReader.OpenShared(path);
        scanner.Scan(stream, (ref ChainScanner.Row row) =>
        {
            while (next < seals.Count && seals[next].Rows < row.Seq)
            {
                next++;
            }
            for (var i = next; i < seals.Count && seals[i].Rows == row.Seq; i++)
            {
                if (!seals[i].Head.AsSpan().SequenceEqual(row.Hash))
                {
                    report.Add(new Damage(file, row.Line, DamageKind.Edit,
                        $"row {row.Seq} is not the row the checkpoint at {CheckpointColumns.FileName} line {seals[i].Line} sealed"));
                    break;
                }
                sealedThrough = row.Seq;
                proven = true;
            }
            if (row.Event.IsEmpty)
            {
                sum.DataRows++;
                span.Track(row.Ts);
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
                case ChainColumns.Start: sum.Starts++; break;
                case ChainColumns.Stop: sum.Stops++; break;
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
        }, part.Start);
        sum.FirstTs = span.First;
        sum.LastTs = span.Last;
        sum.SealedRows = sealedThrough;
        if (part.Start is not null && !proven && sum.Rows > 0)
        {
            report.Add(new Damage(file, 0, DamageKind.Seal,
                $"no checkpoint seals a row of this part (rows {startSeq + 1}..{scanner.LastSeq}): its link to the trail before it is not proven"));
        }
    }

    /// <summary>
    /// The anchor the file begins after must be matched by a prune record in the chain (written and sealed before any
    /// segment went, and never itself pruned by that prune): an anchor forged into checkpoints.tsv to cover deleted
    /// rows has none. Every prune record must match its anchor; a record without one is a prune that never completed.
    /// </summary>
    private static void CheckPruneAnchors(VerifyReport report, string file, long startsAfter, Dictionary<long, Seal> anchors,
        Dictionary<long, (long Line, string Hash)> records)
    {
        if (startsAfter > 0 && !records.ContainsKey(startsAfter))
        {
            var a = anchors[startsAfter];
            report.Add(new Damage(file, 1, DamageKind.Deletion,
                $"rows 1..{startsAfter} are gone and {CheckpointColumns.FileName} line {a.Line} anchors them, but no prune record in the chain says they were pruned"));
        }
        foreach (var (seq, (line, hash)) in records)
        {
            if (anchors.TryGetValue(seq, out var a) && !a.Head.AsSpan().SequenceEqual(Encoding.ASCII.GetBytes(hash)))
            {
                report.Add(new Damage(file, line, DamageKind.Edit,
                    $"the prune record names row {seq} with another head than the prune anchor at {CheckpointColumns.FileName} line {a.Line}"));
            }
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
