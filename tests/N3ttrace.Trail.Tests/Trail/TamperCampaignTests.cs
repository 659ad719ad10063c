using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using N3ttrace.Trail;
using Xunit.Abstractions;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>
/// [integrity] The tampering campaign on trail format 3 (births in birth_records.tsv, deaths in snapshots.tsv,
/// chain_head on the last row of each write): edits, deletions, swaps, truncations, forged appends, backdating, seal
/// stripping and key swaps, each in three old epochs, each done two ways:
/// <list type="bullet">
/// <item>in place (what an intruder without the current sealing key can do without redoing any seal):
/// `verify` must catch it with the verification key and without it;</item>
/// <item>forged (an intruder with root and the current epoch's key, stolen from seal.key: every plain hash
/// recomputed, the checkpoints re-pointed, the current epoch's seals re-made, seals stripped where that helps):
/// `verify` must catch it with the verification key. Without the key nothing secret is left to check, so the
/// table only reports what the plain chain still shows.</item>
/// </list>
/// The intruder's own (current) epoch is not attacked: its key is in the intruder's hands (docs/trail-integrity.md).
/// The table goes to artifacts/tamper-campaign.txt.
/// </summary>
public sealed class TamperCampaignTests(ITestOutputHelper output)
{
    private static readonly string[] Categories = ["edit", "deletion", "swap", "truncation", "forged append", "backdating", "seal stripping", "key swap"];
    private static readonly long[] Epochs = [1, 2, 3];

    private sealed record Outcome(string Category, long Epoch, bool Forged, bool WithKey, bool WithoutKey, string Note);

    [Fact]
    public void Every_case_is_detected_with_the_key_and_every_in_place_case_without_it()
    {
        using var pristine = new TrailFixture(events: 6000);
        var (current, _) = Intruder.StealKey(pristine);
        Assert.True(current >= Epochs.Max() + 1, $"the fixture must span more epochs than are attacked, got {current}");
        var outcomes = new List<Outcome>();
        foreach (var category in Categories)
        {
            foreach (var epoch in Epochs)
            {
                foreach (var forged in new[] { false, true })
                {
                    var copy = Directory.CreateTempSubdirectory("n3t-tamper-").FullName;
                    try
                    {
                        var state = Path.Combine(copy, "state");
                        CopyDirectory(pristine.Dir.Path, state);
                        var t = new Target(state, pristine.Key);
                        new Attack(t, epoch, forged).Run(category);
                        var withKey = TrailVerifier.Verify(state, pristine.Key);
                        var withoutKey = TrailVerifier.Verify(state, null);
                        outcomes.Add(new Outcome(category, epoch, forged, Detected(withKey), Detected(withoutKey),
                            withKey.First?.Detail ?? (withKey.EndsWithStop ? "" : "end unproven")));
                    }
                    finally
                    {
                        Directory.Delete(copy, recursive: true);
                    }
                }
            }
        }
        var table = Table(outcomes);
        output.WriteLine(table);
        WriteArtifact(table);
        Assert.All(outcomes, o => Assert.True(o.WithKey, $"{o.Category} in epoch {o.Epoch} ({(o.Forged ? "forged with the stolen key" : "in place")}) passed verify with the key"));
        Assert.All(outcomes.Where(o => !o.Forged), o => Assert.True(o.WithoutKey, $"{o.Category} in epoch {o.Epoch} (in place) passed verify without the key"));
    }

    /// <summary>Damage, or an end no seal proves (a cut trail reads as one that was killed: said, never "intact and complete").</summary>
    private static bool Detected(VerifyReport r) => !r.Intact || !r.EndsWithStop;

    private static string Table(List<Outcome> outcomes)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Tampering campaign, trail format 3, epochs {string.Join(",", Epochs)} attacked (60 s epochs; the intruder holds the key of the current epoch)");
        sb.AppendLine("category        | cases | in place: with key / without key | forged with stolen key: with key / without key");
        foreach (var c in Categories)
        {
            var inPlace = outcomes.Where(o => o.Category == c && !o.Forged).ToList();
            var forged = outcomes.Where(o => o.Category == c && o.Forged).ToList();
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{c,-15} | {inPlace.Count + forged.Count,5} | {inPlace.Count(o => o.WithKey),5}/{inPlace.Count} / {inPlace.Count(o => o.WithoutKey)}/{inPlace.Count,-15} | {forged.Count(o => o.WithKey),5}/{forged.Count} / {forged.Count(o => o.WithoutKey)}/{forged.Count}");
        }
        var all = outcomes.Count;
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"total           | {all,5} | detected with key {outcomes.Count(o => o.WithKey)}/{all}; in place without key {outcomes.Count(o => !o.Forged && o.WithoutKey)}/{outcomes.Count(o => !o.Forged)}; forged without key {outcomes.Count(o => o.Forged && o.WithoutKey)}/{outcomes.Count(o => o.Forged)} (not required: nothing secret is checked)");
        sb.AppendLine();
        sb.AppendLine("first finding of verify --verify-key per case:");
        foreach (var o in outcomes)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {o.Category} epoch {o.Epoch} {(o.Forged ? "forged" : "in place")}: {(o.WithKey ? "DETECTED" : "MISSED")} / {(o.WithoutKey ? "detected" : "not detected")} without key: {o.Note}");
        }
        return sb.ToString();
    }

    private static void WriteArtifact(string table)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "N3ttrace.sln")))
        {
            dir = dir.Parent;
        }
        if (dir is null)
        {
            return;
        }
        var artifacts = Directory.CreateDirectory(Path.Combine(dir.FullName, "artifacts"));
        File.WriteAllText(Path.Combine(artifacts.FullName, "tamper-campaign.txt"), table);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var f in Directory.GetFiles(from))
        {
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }
    }

    /// <summary>The files of one copied trail as an intruder sees them.</summary>
    private sealed class Target(string state, VerifyKey key)
    {
        public string State { get; } = state;
        public VerifyKey Key { get; } = key;
        public string File(string name) => Path.Combine(State, name);

        public long EpochOf(string ts) =>
            (long)Math.Floor((N3ttrace.Time.Timestamp.ParseRecord(ts) - Key.EpochStart(0)).TotalSeconds / Key.EpochSeconds);

        public (long Epoch, byte[] Key) Stolen()
        {
            var p = System.IO.File.ReadAllText(File(SealingKey.FileName)).TrimEnd().Split(' ');
            return (long.Parse(p[3], CultureInfo.InvariantCulture), Convert.FromHexString(p[4]));
        }
    }

    /// <summary>One chained data file of format 3, rows split; Save re-chains it (forged) or writes it as edited (in place).</summary>
    private sealed class DataFile
    {
        private readonly string _path;
        private readonly string _header;
        public string Name { get; }
        public int HeadIdx { get; }
        public int SeqIdx => HeadIdx - 2;
        public int EventIdx => HeadIdx - 1;
        public int TsIdx { get; }
        public string[] Columns { get; }
        public List<string[]> Rows { get; }

        public DataFile(Target t, string name)
        {
            Name = name;
            _path = t.File(name);
            var lines = System.IO.File.ReadAllLines(_path);
            _header = lines[0];
            Columns = _header.Split('\t');
            HeadIdx = Array.IndexOf(Columns, ChainColumns.Head);
            Assert.True(HeadIdx > 0, $"{name} is not of format 3: {_header}");
            TsIdx = Array.IndexOf(Columns, "ts");
            Rows = lines.Skip(1).Select(l => l.Split('\t')).ToList();
        }

        public bool IsData(string[] f) => f[EventIdx].Length == 0;

        /// <summary>Writes the rows; with rechain, renumbers and re-hashes them by the documented recipe and returns old seq -> (new seq, head).</summary>
        public Dictionary<long, (long Seq, string Head)> Save(bool rechain)
        {
            var map = new Dictionary<long, (long, string)>();
            if (rechain)
            {
                var prev = ChainHash.Genesis;
                for (var i = 0; i < Rows.Count; i++)
                {
                    var f = Rows[i];
                    var old = long.TryParse(f[SeqIdx], CultureInfo.InvariantCulture, out var o) ? o : -1;
                    f[SeqIdx] = (i + 1).ToString(CultureInfo.InvariantCulture);
                    var h = Hash(Name, string.Join('\t', f[..HeadIdx]) + "\t" + prev);
                    if (f[HeadIdx].Length > 0 || i == Rows.Count - 1)
                    {
                        f[HeadIdx] = h;
                    }
                    prev = h;
                    if (old > 0)
                    {
                        map[old] = (i + 1, h);
                    }
                }
            }
            System.IO.File.WriteAllText(_path, _header + "\n" + string.Concat(Rows.Select(r => string.Join('\t', r) + "\n")));
            return map;
        }
    }

    private static string Hash(string tag, string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"n3ttrace-chain-v1\n{tag}\n{text}")));

    private sealed class Attack(Target t, long epoch, bool forged)
    {
        private readonly DataFile _births = new(t, StateDirectory.BirthRecordsFile);
        private readonly DataFile _timeline = new(t, StateDirectory.TimelineFile);

        public void Run(string category)
        {
            var maps = new Dictionary<string, Dictionary<long, (long Seq, string Head)>>();
            long stripFrom = -1;
            byte[]? swappedSeed = null;
            switch (category)
            {
                case "edit":
                    Edit(_births, DataRowIn(_births, epoch));
                    break;
                case "deletion":
                    _births.Rows.RemoveAt(DataRowIn(_births, epoch));
                    break;
                case "swap":
                    var i = DataRowIn(_timeline, epoch, differentNext: true);
                    (_timeline.Rows[i], _timeline.Rows[i + 1]) = (_timeline.Rows[i + 1], _timeline.Rows[i]);
                    break;
                case "truncation":
                    Truncate();
                    return;
                case "forged append":
                    Append();
                    return;
                case "backdating":
                    // A row of the last epoch, moved into an old one.
                    var last = _births.Rows.FindLastIndex(_births.IsData);
                    _births.Rows[last][_births.TsIdx] = N3ttrace.Time.Timestamp.ToRecord(t.Key.EpochStart(epoch).AddSeconds(30));
                    break;
                case "seal stripping":
                    _births.Rows.RemoveAt(DataRowIn(_births, epoch));
                    stripFrom = epoch;
                    break;
                case "key swap":
                    Edit(_births, DataRowIn(_births, epoch));
                    swappedSeed = RandomNumberGenerator.GetBytes(32);
                    break;
            }
            if (stripFrom >= 0 && forged)
            {
                // The markers of the stripped epochs go too, so the data files do not name epochs without seals.
                var (current, _) = t.Stolen();
                foreach (var f in new[] { _births, _timeline })
                {
                    f.Rows.RemoveAll(r => r[f.EventIdx].StartsWith(ChainColumns.Epoch + " ", StringComparison.Ordinal)
                        && long.Parse(r[f.EventIdx][6..], CultureInfo.InvariantCulture) is var e && e >= stripFrom && e < current);
                }
            }
            maps[_births.Name] = _births.Save(forged);
            maps[_timeline.Name] = _timeline.Save(forged);
            Checkpoints(maps, stripFrom, swappedSeed);
        }

        private int DataRowIn(DataFile f, long e, bool differentNext = false)
        {
            for (var i = 0; i < f.Rows.Count - 1; i++)
            {
                var r = f.Rows[i];
                if (f.IsData(r) && t.EpochOf(r[f.TsIdx]) == e
                    && (!differentNext || (f.IsData(f.Rows[i + 1]) && string.Join('\t', f.Rows[i + 1][..f.SeqIdx]) != string.Join('\t', r[..f.SeqIdx]))))
                {
                    return i;
                }
            }
            throw new InvalidOperationException($"no data row of epoch {e} in {f.Name}");
        }

        private static void Edit(DataFile f, int i)
        {
            var col = Array.IndexOf(f.Columns, "rport") is var c and > 0 ? c : 1;
            f.Rows[i][col] = f.Rows[i][col] == "31337" ? "31338" : "31337";
        }

        /// <summary>Cut every file back to the end of the epoch; forged: a stop row and a stop seal in the stolen epoch after it.</summary>
        private void Truncate()
        {
            foreach (var f in new[] { _births, _timeline })
            {
                var keep = f.Rows.FindLastIndex(r => t.EpochOf(r[f.TsIdx]) <= epoch);
                f.Rows.RemoveRange(keep + 1, f.Rows.Count - keep - 1);
                if (forged)
                {
                    var stop = (string[])f.Rows[^1].Clone();
                    for (var k = 0; k < f.EventIdx; k++)
                    {
                        stop[k] = k == f.TsIdx ? f.Rows[^1][f.TsIdx] : "";
                    }
                    stop[f.EventIdx] = ChainColumns.Stop;
                    stop[f.HeadIdx] = "x";
                    f.Rows.Add(stop);
                }
            }
            var maps = new Dictionary<string, Dictionary<long, (long Seq, string Head)>>
            {
                [_births.Name] = _births.Save(forged),
                [_timeline.Name] = _timeline.Save(forged),
            };
            var cp = new CheckpointFile(t);
            cp.Rows.RemoveAll(r => long.Parse(r[cp.EpochIdx], CultureInfo.InvariantCulture) > epoch);
            if (forged)
            {
                var (current, _) = t.Stolen();
                foreach (var f in new[] { _births, _timeline })
                {
                    var seal = (string[])cp.Rows[^1].Clone();
                    seal[1] = CheckpointColumns.Stop;
                    seal[cp.EpochIdx] = current.ToString(CultureInfo.InvariantCulture);
                    seal[3] = f.Name;
                    seal[4] = f.Rows.Count.ToString(CultureInfo.InvariantCulture);
                    seal[5] = f.Rows[^1][f.HeadIdx];
                    cp.Rows.Add(seal);
                }
            }
            cp.Save(forged, t.Stolen(), null);
        }

        /// <summary>In place: a row after the stop record, hashed by the public recipe. Forged: the row before the stop,
        /// timed in the attacked epoch, everything re-chained and the current epoch re-sealed.</summary>
        private void Append()
        {
            var src = _births.Rows[DataRowIn(_births, epoch)];
            var row = (string[])src.Clone();
            if (!forged)
            {
                var prev = _births.Rows[^1][_births.HeadIdx];
                row[_births.SeqIdx] = (long.Parse(_births.Rows[^1][_births.SeqIdx], CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
                row[_births.HeadIdx] = Hash(_births.Name, string.Join('\t', row[.._births.HeadIdx]) + "\t" + prev);
                _births.Rows.Add(row);
                _births.Save(rechain: false);
                return;
            }
            row[_births.SeqIdx] = "";
            _births.Rows.Insert(_births.Rows.Count - 1, row);
            var maps = new Dictionary<string, Dictionary<long, (long Seq, string Head)>> { [_births.Name] = _births.Save(rechain: true) };
            Checkpoints(maps, -1, null);
        }

        /// <summary>Re-points the seals at the edited rows (forged) and re-MACs what the intruder's key allows.</summary>
        private void Checkpoints(Dictionary<string, Dictionary<long, (long Seq, string Head)>> maps, long stripFrom, byte[]? swappedSeed)
        {
            var cp = new CheckpointFile(t);
            var (current, _) = t.Stolen();
            if (stripFrom >= 0)
            {
                cp.Rows.RemoveAll(r => long.Parse(r[cp.EpochIdx], CultureInfo.InvariantCulture) is var e && e >= stripFrom && e < current);
            }
            if (forged)
            {
                foreach (var r in cp.Rows)
                {
                    if (maps.TryGetValue(r[3], out var map) && map.Count > 0)
                    {
                        var rows = long.Parse(r[4], CultureInfo.InvariantCulture);
                        while (rows > 0 && !map.ContainsKey(rows))
                        {
                            rows--;
                        }
                        if (rows > 0)
                        {
                            r[4] = map[rows].Seq.ToString(CultureInfo.InvariantCulture);
                            r[5] = map[rows].Head;
                        }
                    }
                }
            }
            cp.Save(forged || stripFrom >= 0 && forged, t.Stolen(), swappedSeed is null ? null : new VerifyKey(swappedSeed, t.Key.T0Unix, t.Key.EpochSeconds));
        }
    }

    /// <summary>checkpoints.tsv: chain_hash on every row, and the mac of the epoch key.</summary>
    private sealed class CheckpointFile
    {
        private readonly string _path;
        private readonly string _header;
        public int HashIdx { get; }
        public int EpochIdx { get; }
        public List<string[]> Rows { get; }

        public CheckpointFile(Target t)
        {
            _path = t.File(CheckpointColumns.FileName);
            var lines = System.IO.File.ReadAllLines(_path);
            _header = lines[0];
            var cols = _header.Split('\t');
            HashIdx = Array.IndexOf(cols, ChainColumns.Hash);
            EpochIdx = Array.IndexOf(cols, "epoch");
            Rows = lines.Skip(1).Select(l => l.Split('\t')).ToList();
        }

        /// <summary>rechain: recompute every chain hash; the stolen epoch's macs are re-made (a swapped key re-makes all of them).</summary>
        public void Save(bool rechain, (long Epoch, byte[] Key) stolen, VerifyKey? swapped)
        {
            if (rechain || swapped is not null)
            {
                var prev = ChainHash.Genesis;
                for (var i = 0; i < Rows.Count; i++)
                {
                    var f = Rows[i];
                    if (rechain)
                    {
                        f[HashIdx - 2] = (i + 1).ToString(CultureInfo.InvariantCulture);
                        f[HashIdx] = Hash(CheckpointColumns.FileName, string.Join('\t', f[..HashIdx]) + "\t" + prev);
                    }
                    prev = f[HashIdx];
                    var e = long.Parse(f[EpochIdx], CultureInfo.InvariantCulture);
                    if (swapped is not null)
                    {
                        f[^1] = VerifyKey.Mac(swapped.KeyFor(e), e, f[HashIdx]);
                    }
                    else if (e == stolen.Epoch)
                    {
                        f[^1] = VerifyKey.Mac(stolen.Key, e, f[HashIdx]);
                    }
                }
            }
            System.IO.File.WriteAllText(_path, _header + "\n" + string.Concat(Rows.Select(r => string.Join('\t', r) + "\n")));
        }
    }
}
