using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

public class TrailChainTests
{
    [Fact]
    public void A_written_trail_verifies_with_and_without_the_key()
    {
        using var t = new TrailFixture(events: 4000);
        foreach (var withKey in new[] { true, false })
        {
            var r = t.Verify(withKey);
            Assert.True(r.Intact, string.Join("\n", r.Damages));
            var births = r.Files.Single(f => f.File == StateDirectory.BirthRecordsFile);
            Assert.Equal(t.Workload.Lives.Count, births.DataRows);
            Assert.Equal(births.Rows, births.SealedRows);
            Assert.Equal(1, births.Starts);
            Assert.Equal(1, births.Stops);
            Assert.True(r.LastEpoch >= 2, $"4000 events x 50 ms spans several 60 s epochs, got {r.LastEpoch}");
        }
    }

    [Fact]
    public void The_verification_key_is_not_kept_on_the_host()
    {
        using var t = new TrailFixture(events: 500);
        var seed = Convert.ToHexStringLower(t.Key.Seed);
        foreach (var f in Directory.EnumerateFiles(t.Dir.Path))
        {
            Assert.DoesNotContain(seed, File.ReadAllText(f), StringComparison.Ordinal);
        }
        Assert.True(VerifyKey.TryParse(t.Key.ToString(), out var parsed));
        Assert.Equal(t.Key.Seed, parsed!.Seed);
    }

    [Fact]
    public void The_sealing_key_moves_forward_and_rewrites_its_file_in_place()
    {
        using var t = new TrailFixture(events: 3000);
        var text = File.ReadAllText(t.File(SealingKey.FileName)).TrimEnd().Split(' ');
        var epoch = long.Parse(text[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(epoch >= 2);
        Assert.Equal(Convert.ToHexStringLower(t.Key.KeyFor(epoch)), text[4]);
        Assert.Equal(0x180, (int)File.GetUnixFileMode(t.File(SealingKey.FileName)));
    }

    [Fact]
    public void A_second_start_continues_the_chain_and_does_not_make_a_new_key()
    {
        using var t = new TrailFixture(events: 500);
        using (var again = new TrailSink(t.Dir, t.Options))
        {
            Assert.Null(again.NewVerifyKey);
            Assert.Empty(again.Recoveries);
            t.Workload.Run(again, 500, TimeSpan.FromMilliseconds(50));
        }
        var r = t.Verify();
        Assert.True(r.Intact, string.Join("\n", r.Damages));
        Assert.Equal(2, r.Files.Single(f => f.File == StateDirectory.TimelineFile).Starts);
    }
}
