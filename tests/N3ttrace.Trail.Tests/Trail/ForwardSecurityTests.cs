using System.Globalization;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>An intruder who becomes root in a later epoch holds only that epoch's key: rewriting history sealed before must show.</summary>
public class ForwardSecurityTests
{
    private static void RewriteFirstBirth(TrailFixture t, Func<string[], string[]> relabelCheckpoint)
    {
        var (epoch, key) = Intruder.StealKey(t);
        Assert.True(epoch >= 2);
        var births = t.File(StateDirectory.BirthRecordsFile);
        var commCol = BirthRecordColumns.Names.ToList().IndexOf("comm");
        var seen = false;
        var heads = Intruder.Rechain(births, StateDirectory.BirthRecordsFile, f =>
        {
            if (!seen && f[1].Length > 0)
            {
                seen = true;
                f[commCol] = "innocent";
            }
            return f;
        });
        Intruder.Rechain(t.File(CheckpointColumns.FileName), CheckpointColumns.FileName,
            f =>
            {
                if (f[3] == StateDirectory.BirthRecordsFile)
                {
                    f[5] = heads[long.Parse(f[4], CultureInfo.InvariantCulture)];
                }
                return relabelCheckpoint(f);
            },
            f => VerifyKey.Mac(key, long.Parse(f[2], CultureInfo.InvariantCulture), f[^2]));
    }

    [Fact]
    public void Resealing_old_epochs_with_the_current_key_is_detected()
    {
        using var t = new TrailFixture(events: 4000);
        RewriteFirstBirth(t, f => f);
        // The plain chain is consistent again: without the key the forgery passes, which is why the key exists.
        Assert.True(t.Verify(withKey: false).Intact);
        var r = t.Verify(withKey: true);
        Assert.False(r.Intact);
        Assert.Equal(DamageKind.Seal, r.First!.Kind);
        Assert.Equal(CheckpointColumns.FileName, r.First.File);
        Assert.Equal(2, r.First.Line); // the very first seal, epoch 0
    }

    [Fact]
    public void Relabelling_old_seals_as_the_current_epoch_is_detected()
    {
        using var t = new TrailFixture(events: 4000);
        var (epoch, _) = Intruder.StealKey(t);
        var start = t.Key.EpochStart(epoch);
        RewriteFirstBirth(t, f =>
        {
            f[2] = epoch.ToString(CultureInfo.InvariantCulture);
            var ts = N3ttrace.Time.Timestamp.ParseRecord(f[0]);
            if (ts < start)
            {
                f[0] = N3ttrace.Time.Timestamp.ToRecord(start);
            }
            return f;
        });
        var r = t.Verify(withKey: true);
        Assert.False(r.Intact);
        Assert.Contains(r.Damages, d => d.Kind == DamageKind.Seal && d.Detail.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public void The_intruders_own_epoch_is_not_protected_but_the_past_is()
    {
        // Documented limit, tested so the README stays honest: seals made with the key the intruder holds verify.
        using var t = new TrailFixture(events: 4000);
        var (epoch, key) = Intruder.StealKey(t);
        Intruder.Rechain(t.File(CheckpointColumns.FileName), CheckpointColumns.FileName, null,
            f => long.Parse(f[2], CultureInfo.InvariantCulture) == epoch ? VerifyKey.Mac(key, epoch, f[^2]) : f[^1]);
        Assert.True(t.Verify(withKey: true).Intact);
    }
}
