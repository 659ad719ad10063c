using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>
/// [integrity] Attacks that passed `verify --verify-key` before seal continuity: stripping the seals of
/// some epochs and re-sealing with the stolen current key, a row appended after the stop seal, a row
/// backdated into an old epoch, and a trail cut back to an earlier seal (reported as an unproven end).
/// The intruder here edits rows of format 1 (chain_prev stored); ForwardSecurityTests (through Intruder) and
/// ProcessCertificateTests attack format 2.
/// </summary>
public class SealContinuityTests
{
    private static int Ci(string s) => int.Parse(s, CultureInfo.InvariantCulture);
    private static long Cl(string s) => long.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>
    /// Rewrites a chained file as a root intruder would: rows may be edited or dropped (edit returns null),
    /// the survivors renumbered and re-chained, the sealed file re-MACed. Returns old seq -> (new seq, hash).
    /// </summary>
    private static Dictionary<long, (long Seq, string Hash)> Rewrite(string path, string tag, Func<string[], string[]?> edit, Func<string[], string>? mac = null)
    {
        var lines = File.ReadAllLines(path);
        var output = new List<string> { lines[0] };
        var prev = ChainHash.Genesis;
        var map = new Dictionary<long, (long, string)>();
        long seq = 0;
        for (var i = 1; i < lines.Length; i++)
        {
            var f = edit(lines[i].Split('\t'));
            if (f is null)
            {
                continue;
            }
            var hashIdx = f.Length - (mac is null ? 1 : 2);
            var oldSeq = Cl(f[hashIdx - 3]);
            f[hashIdx - 3] = (++seq).ToString(CultureInfo.InvariantCulture);
            f[hashIdx - 1] = prev;
            f[hashIdx] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"n3ttrace-chain-v1\n{tag}\n" + string.Join('\t', f[..hashIdx]))));
            if (mac is not null)
            {
                f[^1] = mac(f);
            }
            prev = f[hashIdx];
            map[oldSeq] = (seq, prev);
            output.Add(string.Join('\t', f));
        }
        File.WriteAllText(path, string.Join('\n', output) + "\n");
        return map;
    }

    /// <summary>Points every surviving checkpoint at the rewritten rows and re-MACs those of the stolen epoch.</summary>
    private static void Reseal(TrailFixture t, Dictionary<string, Dictionary<long, (long Seq, string Hash)>> maps, long stolenEpoch, byte[] key, Func<string[], bool> keepSeal)
    {
        Rewrite(t.File(CheckpointColumns.FileName), CheckpointColumns.FileName, f =>
        {
            if (!keepSeal(f))
            {
                return null;
            }
            if (maps.TryGetValue(f[3], out var map))
            {
                // The sealed row, or the last surviving row before it.
                var rows = Cl(f[4]);
                while (rows > 0 && !map.ContainsKey(rows))
                {
                    rows--;
                }
                if (rows > 0)
                {
                    f[4] = map[rows].Seq.ToString(CultureInfo.InvariantCulture);
                    f[5] = map[rows].Hash;
                }
            }
            return f;
        }, f => Cl(f[2]) == stolenEpoch ? VerifyKey.Mac(key, stolenEpoch, f[^2]) : f[^1]);
    }

    private static DateTime Ts(string s) => N3ttrace.Time.Timestamp.ParseRecord(s);

    [Fact]
    public void Stripping_the_seals_of_middle_epochs_and_resealing_with_the_current_key_is_detected()
    {
        using var t = new TrailFixture(events: 6000, format1: true);
        var (epoch, key) = Intruder.StealKey(t);
        Assert.True(epoch >= 4, $"the fixture should span several epochs, got {epoch}");
        // Remove 59 connections born in epoch 2, the epoch markers of 1..N-1, and the seals of those epochs.
        var from = t.Key.EpochStart(2);
        var until = t.Key.EpochStart(3);
        var removed = 0;
        var maps = new Dictionary<string, Dictionary<long, (long, string)>>
        {
            [StateDirectory.BirthRecordsFile] = Rewrite(t.File(StateDirectory.BirthRecordsFile), StateDirectory.BirthRecordsFile, f =>
            {
                var evt = f[^3];
                if (evt.StartsWith(ChainColumns.Epoch + " ", StringComparison.Ordinal) && Cl(evt[6..]) < epoch)
                {
                    return null;
                }
                if (evt.Length == 0 && removed < 59 && Ts(f[0]) >= from && Ts(f[0]) < until)
                {
                    removed++;
                    return null;
                }
                return f;
            }),
            [StateDirectory.TimelineFile] = Rewrite(t.File(StateDirectory.TimelineFile), StateDirectory.TimelineFile, f =>
                f[^3].StartsWith(ChainColumns.Epoch + " ", StringComparison.Ordinal) && Cl(f[^3][6..]) < epoch ? null : f),
        };
        Assert.Equal(59, removed);
        Reseal(t, maps, epoch, key, f => Cl(f[2]) is 0 || Cl(f[2]) == epoch);

        Assert.True(t.Verify(withKey: false).Intact); // the plain chain is consistent again
        var r = t.Verify(withKey: true);
        Assert.False(r.Intact);
        Assert.Contains(r.Damages, d => d.Kind == DamageKind.Seal && d.Detail.Contains("have no seal", StringComparison.Ordinal));
    }

    [Fact]
    public void A_row_appended_after_the_stop_seal_is_detected_with_or_without_the_key()
    {
        using var t = new TrailFixture(events: 3000, format1: true);
        var path = t.File(StateDirectory.BirthRecordsFile);
        var lines = File.ReadAllLines(path);
        var last = lines[^1].Split('\t');
        var planted = lines[^2].Split('\t'); // a data row, re-used as the forged record
        Assert.Equal(ChainColumns.Stop, last[^3]);
        var seq = Cl(last[^4]) + 1;
        planted[^4] = seq.ToString(CultureInfo.InvariantCulture);
        planted[^3] = "";
        planted[^2] = last[^1];
        planted[^1] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"n3ttrace-chain-v1\n{StateDirectory.BirthRecordsFile}\n" + string.Join('\t', planted[..^1]))));
        File.AppendAllText(path, string.Join('\t', planted) + "\n");

        foreach (var withKey in new[] { false, true })
        {
            var r = t.Verify(withKey);
            Assert.False(r.Intact);
            Assert.Contains(r.Damages, d => d.Detail.Contains("after the stop record", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_row_backdated_into_an_old_epoch_and_sealed_with_the_current_key_is_detected()
    {
        using var t = new TrailFixture(events: 6000, format1: true);
        var (epoch, key) = Intruder.StealKey(t);
        var old = N3ttrace.Time.Timestamp.ToRecord(t.Key.EpochStart(0) + TimeSpan.FromSeconds(5));
        string[]? template = null;
        var births = Rewrite(t.File(StateDirectory.BirthRecordsFile), StateDirectory.BirthRecordsFile, f =>
        {
            template ??= f[^3].Length == 0 ? f : null;
            return f;
        });
        // Insert the forged row just before the stop record, then re-chain and re-seal the stop with the stolen key.
        var path = t.File(StateDirectory.BirthRecordsFile);
        var lines = File.ReadAllLines(path).ToList();
        var forged = (string[])template!.Clone();
        forged[0] = old;
        lines.Insert(lines.Count - 1, string.Join('\t', forged));
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        var map = Rewrite(path, StateDirectory.BirthRecordsFile, f => f);
        Reseal(t, new() { [StateDirectory.BirthRecordsFile] = map }, epoch, key, _ => true);

        var r = t.Verify(withKey: true);
        Assert.False(r.Intact);
        Assert.Contains(r.Damages, d => d.Kind == DamageKind.Seal && d.Detail.Contains("backdated", StringComparison.Ordinal));
    }

    [Fact]
    public void A_trail_cut_back_to_an_earlier_seal_reports_an_unproven_end()
    {
        using var t = new TrailFixture(events: 4000, format1: true);
        Assert.True(t.Verify(withKey: true).EndsWithStop);
        // Cut every file back to the first periodic seal: the chain and the seals of what is left verify.
        var cpPath = t.File(CheckpointColumns.FileName);
        var cps = File.ReadAllLines(cpPath);
        var cut = Array.FindIndex(cps, l => l.Split('\t')[1] == CheckpointColumns.Periodic);
        Assert.True(cut > 0);
        var keepUntil = new Dictionary<string, long>();
        for (var i = 1; i <= cut + 1 && i < cps.Length; i++)
        {
            var f = cps[i].Split('\t');
            keepUntil[f[3]] = Cl(f[4]);
        }
        File.WriteAllText(cpPath, string.Join('\n', cps[..(cut + 2)]) + "\n");
        foreach (var name in new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile })
        {
            var lines = File.ReadAllLines(t.File(name));
            var kept = lines.Take(1).Concat(lines.Skip(1).Where(l => Cl(l.Split('\t')[^4]) <= keepUntil[name]));
            File.WriteAllText(t.File(name), string.Join('\n', kept) + "\n");
        }
        var r = t.Verify(withKey: true);
        Assert.True(r.Intact, string.Join("\n", r.Damages));
        Assert.False(r.EndsWithStop);
    }

    [Fact]
    public void Epochs_slept_through_are_sealed_each_and_verify()
    {
        // A 10 s epoch with 30 s steps between events: the writer wakes several epochs later every time.
        using var t = new TrailFixture(events: 300, step: TimeSpan.FromSeconds(30), epoch: TimeSpan.FromSeconds(10));
        var r = t.Verify(withKey: true);
        Assert.True(r.Intact, string.Join("\n", r.Damages));
        Assert.True(r.LastEpoch > 100);
        var epochs = File.ReadAllLines(t.File(CheckpointColumns.FileName)).Skip(1).Select(l => Cl(l.Split('\t')[2])).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(0, (int)r.LastEpoch + 1).Select(i => (long)i), epochs);
    }
}
