using System.Globalization;
using N3ttrace.Core.Tests.Trail;
using N3ttrace.Trail;
using N3ttrace.Trail.Fleet;

namespace N3ttrace.Core.Tests.Fleet;

/// <summary>Chain heads shipped off the host catch a rewrite that local verify cannot (the intruder holds every local key).</summary>
public class AnchorTests : IClassFixture<ClickHouseServerFixture>
{
    private readonly ClickHouseServer _server;

    public AnchorTests(ClickHouseServerFixture f) => _server = f.Server;

    [Fact]
    public void A_rechained_rewrite_that_passes_local_verify_is_caught_against_the_shipped_heads()
    {
        using var client = ShipTests.Init(_server, "anchor");
        using var t = new TrailFixture(events: 3000, seed: 31);
        new TrailShipper(t.Dir, client, ShipTests.Host("a1")).ShipOnce();
        var clean = ChainAnchor.Compare(t.Dir, client, "a1");
        Assert.True(clean.Compared > 2);
        Assert.Empty(clean.Mismatches);

        // The intruder's rewrite: one old birth record changed, every hash after it recomputed, the seals re-pointed.
        var (_, key) = Intruder.StealKey(t);
        var commCol = BirthRecordColumns.StoredNames.ToList().IndexOf("comm");
        var seen = false;
        var heads = Intruder.Rechain(t.File(StateDirectory.BirthRecordsFile), StateDirectory.BirthRecordsFile, f =>
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
                return f;
            },
            f => VerifyKey.Mac(key, long.Parse(f[2], CultureInfo.InvariantCulture), f[^2]));
        Assert.True(t.Verify(withKey: false).Intact); // local verify (plain chain) passes

        var r = ChainAnchor.Compare(t.Dir, client, "a1");
        Assert.NotEmpty(r.Mismatches);
        Assert.All(r.Mismatches, m => Assert.Equal(TrailShipper.BirthsFile, m.File));
    }

    [Fact]
    public void A_cut_off_end_is_caught_against_the_shipped_heads()
    {
        using var client = ShipTests.Init(_server, "anchor_cut");
        using var t = new TrailFixture(events: 2000, seed: 32);
        new TrailShipper(t.Dir, client, ShipTests.Host("a2")).ShipOnce();
        var path = t.File(StateDirectory.TimelineFile);
        var lines = File.ReadAllLines(path);
        File.WriteAllText(path, string.Join('\n', lines[..^200]) + "\n");
        var r = ChainAnchor.Compare(t.Dir, client, "a2");
        Assert.Contains(r.Mismatches, m => m.File == TrailShipper.TimelineFile && m.Local.Contains("truncated", StringComparison.Ordinal));
    }
}
