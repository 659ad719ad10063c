using System.Text;
using N3ttrace.Lineage;
using N3ttrace.Cli.Live;

namespace N3ttrace.Core.Tests.Live;

public class DisplayTextTests
{
    /// <summary>What hostile argv looks like after ArgvText decoding (invalid bytes as U+DC80+b).</summary>
    internal static string Hostile() =>
        ArgvText.Decode([.. "evil\e]2;PWNED\a\e[2J\e[31mRED\nNEW\tTAB\r\u202Egnp.exe\u2066"u8, 0xff, 0xc3, .. "\u0085\u009b[1m end"u8]);

    internal static void AssertInert(string s)
    {
        foreach (var r in s.EnumerateRunes())
        {
            Assert.True(r.Value >= 0x20 && r.Value != 0x7f && r.Value is < 0x80 or > 0x9f, $"control U+{r.Value:X4} in {s}");
            Assert.False(r.Value is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069 or 0x200E or 0x200F or 0x61C, $"bidi U+{r.Value:X4}");
            Assert.False(r.Value is >= 0xD800 and <= 0xDFFF);
            Assert.True(DisplayText.RuneWidth(r) > 0, $"U+{r.Value:X4} of uncertain width left in {s}");
        }
    }

    [Fact]
    public void Hostile_text_is_escaped_and_inert()
    {
        var safe = DisplayText.Safe(Hostile());
        AssertInert(safe);
        Assert.StartsWith(@"evil\x1b]2;PWNED\x07\x1b[2J\x1b[31mRED\nNEW\tTAB\r\xe2\x80\xaegnp.exe\xe2\x81\xa6\xff\xc3", safe);
        Assert.Contains(@"\xc2\x85\xc2\x9b[1m end", safe);
    }

    [Fact]
    public void Hundred_KiB_of_junk_costs_a_bounded_cell()
    {
        var rng = new Random(5);
        var junk = new byte[100 * 1024];
        rng.NextBytes(junk);
        var safe = DisplayText.Safe(ArgvText.Decode(junk));
        AssertInert(safe);
        Assert.InRange(safe.Length, DisplayText.MaxRawChars, DisplayText.MaxRawChars * 12);
        var cut = DisplayText.Fit(safe, 50);
        Assert.Equal(50, DisplayText.Width(cut));
        Assert.EndsWith(DisplayText.CutMark, cut);
    }

    [Fact]
    public void Wide_characters_count_two_columns_and_are_never_split()
    {
        Assert.Equal(4, DisplayText.Width("中文"));
        Assert.Equal("中~", DisplayText.Cut("中文字", 3));
        Assert.Equal("中文~", DisplayText.Cut("中文字x", 6));
        Assert.Equal("中  ", DisplayText.Fit("中", 4));
        Assert.Equal("  中", DisplayText.Fit("中", 4, right: true));
        Assert.Equal("ascii", DisplayText.Cut("ascii", 5));
    }

    [Theory]
    [InlineData("e\u0301", @"e\u{301}")]                  // combining mark: zero width
    [InlineData("a\u200Db", @"a\u{200d}b")]               // zero-width joiner
    [InlineData("x\U0001F600y", @"x\u{1f600}y")]          // emoji: 1 or 2 columns by terminal
    [InlineData("p\uE000q", @"p\u{e000}q")]                // private use
    [InlineData("caf\u00e9 \u0416", "caf\u00e9 \u0416")]   // Latin-1 and Cyrillic stay
    public void Characters_of_uncertain_width_are_shown_as_code_points(string raw, string shown)
    {
        Assert.Equal(shown, DisplayText.Safe(raw));
    }

    [Theory]
    [InlineData(0.0000123, "12us")]
    [InlineData(0.00125, "1.25ms")]
    [InlineData(0.85, "850ms")]
    [InlineData(1.516, "1.52s")]
    [InlineData(12.34, "12.3s")]
    [InlineData(245, "4m05s")]
    [InlineData(3720, "1h02m")]
    [InlineData(273600, "3d04h")]
    public void Durations_are_short(double seconds, string text) => Assert.Equal(text, DurationText.Format(seconds));

    [Fact]
    public void Escaped_text_keeps_its_bytes_recoverable()
    {
        // Cells show TextEscaper output, which unescapes to the original bytes (except the \u{} marks for width).
        var raw = "a\tb\nc\\d\u202E";
        Assert.Equal(Encoding.UTF8.GetBytes(raw), N3ttrace.Text.TextEscaper.Unescape(DisplayText.Safe(raw)));
    }
}
