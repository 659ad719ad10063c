using System.Text;
using N3ttrace.Lineage;
using N3ttrace.Text;

namespace N3ttrace.Core.Tests.Text;

public class TextEscaperTests
{
    [Theory]
    [InlineData("plain /usr/bin/curl -s", "plain /usr/bin/curl -s")]
    [InlineData("a\tb\nc\rd\\e", @"a\tb\nc\rd\\e")]
    [InlineData("\u001b[31mred\u001b[0m", @"\x1b[31mred\x1b[0m")]
    [InlineData("bidi \u202Egnp.exe", @"bidi \xe2\x80\xaegnp.exe")]
    [InlineData("c1 \u009b2J", @"c1 \xc2\x9b2J")]
    [InlineData("del \u007f", @"del \x7f")]
    [InlineData("ünïcode ok", "ünïcode ok")]
    [InlineData("back\\slash then ü\t", @"back\\slash then ü\t")]
    [InlineData("ü first \\ then tab\t", @"ü first \\ then tab\t")]
    [InlineData("~ edge \u007f", @"~ edge \x7f")]
    [InlineData("", "")]
    public void Escapes_control_and_bidi_text(string raw, string escaped) =>
        Assert.Equal(escaped, TextEscaper.Escape(raw));

    [Fact]
    public void Invalid_utf8_survives_as_hex_and_round_trips()
    {
        byte[] raw = [(byte)'a', 0xff, 0xc3, (byte)'b', 0, (byte)'\n', 0xe2, 0x80, 0xae];
        var text = ArgvText.Decode(raw);
        var escaped = TextEscaper.Escape(text);
        Assert.Equal(@"a\xff\xc3b\x00\n\xe2\x80\xae", escaped);
        Assert.Equal(raw, TextEscaper.Unescape(escaped));
    }

    [Fact]
    public void Escaped_text_holds_no_control_byte()
    {
        var rnd = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var raw = new byte[rnd.Next(1, 64)];
            rnd.NextBytes(raw);
            var escaped = TextEscaper.Escape(ArgvText.Decode(raw));
            Assert.DoesNotContain(Encoding.UTF8.GetBytes(escaped), b => b < 0x20 || b == 0x7f);
            Assert.Equal(raw, TextEscaper.Unescape(escaped));
        }
    }
}
