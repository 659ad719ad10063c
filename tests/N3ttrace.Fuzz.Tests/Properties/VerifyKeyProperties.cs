using FsCheck;
using FsCheck.Fluent;
using N3ttrace.Trail;

namespace N3ttrace.Fuzz.Tests.Properties;

public class VerifyKeyProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(1000);

    [Fact]
    public void A_key_prints_and_parses_back_to_the_same_key()
    {
        var keys = Arb.From(
            from seed in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 32)
            from t0 in Gen.Choose(0, int.MaxValue).Select(x => (long)x * 3)
            from len in Gen.Choose(1, 366 * 86400)
            select new VerifyKey(seed, t0, len));
        Check.One(Runs, Prop.ForAll(keys, k =>
            VerifyKey.TryParse(k.ToString(), out var back) && back!.Seed.SequenceEqual(k.Seed) && back.T0Unix == k.T0Unix && back.EpochSeconds == k.EpochSeconds));
    }

    [Fact]
    public void Any_text_is_a_key_or_not_without_an_exception()
    {
        Check.One(Runs.WithMaxTest(5000), Prop.ForAll(ArbMap.Default.ArbFor<string>(), text => text is null || VerifyKey.TryParse(text, out _) || true));
    }

    [Theory]
    [InlineData("99999999999999", "1")]
    [InlineData("0", "9223372036854775807")]
    [InlineData("7258118401", "60")]
    public void A_key_whose_start_or_epoch_length_is_out_of_range_is_refused(string t0, string len)
    {
        Assert.False(VerifyKey.TryParse($"n3v1-{new string('a', 64)}-{t0}-{len}", out _));
    }

    [Fact]
    public void The_start_of_any_epoch_number_is_a_date_not_an_overflow()
    {
        var key = new VerifyKey(new byte[32], 1_700_000_000, 900);
        var epochs = Arb.From(Gen.Choose(0, int.MaxValue).SelectMany(a => Gen.Choose(0, int.MaxValue), (a, b) => (long)a << 32 | (uint)b));
        Check.One(Runs, Prop.ForAll(epochs, e => key.EpochStart(e) >= DateTime.UnixEpoch));
        Assert.Equal(DateTime.MaxValue, key.EpochStart(long.MaxValue));
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(1_700_000_000 + 2 * 900), key.EpochStart(2));
    }
}
