using System.Text;
using N3ttrace.Core.Tests.Inference;
using N3ttrace.Text;
using N3ttrace.Trail.Forwarding;

namespace N3ttrace.Core.Tests.Forwarding;

/// <summary>RFC 5424 STRUCTURED-DATA: hostile text escaped and bounded, parsed back by the grammar of RFC 5424 section 6.3.</summary>
public class StructuredDataTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("a]b", "a\\]b")]
    [InlineData("\"]\\", "\\\"\\]\\\\")]
    [InlineData("[x=y] 'z'", "[x=y\\] 'z'")]
    public void Param_values_escape_quote_backslash_and_close_bracket_only(string value, string escaped) =>
        Assert.Equal(escaped, SyslogStructuredData.EscapeValue(value));

    [Fact]
    public void A_hostile_executable_name_parses_back_to_its_trail_form_and_cannot_end_the_element()
    {
        const string exe = "/tmp/x\"] [evil@1 a=\"b\"]\\\n\u00e9";
        var c = Make.Conn(Make.Node(Make.Ctx(exe, ["x"])));
        var sd = SyslogStructuredData.Format("birth", c);
        var (id, parameters, rest) = Parse(sd);
        Assert.Equal("n3ttrace@32473", id);
        Assert.Equal("", rest); // one element: the attacker did not open a second one
        Assert.Equal(TextEscaper.Escape(exe), parameters["exe"]);
        Assert.Equal("birth", parameters["event"]);
        Assert.Equal(c.ConnId, parameters["conn_id"]);
        Assert.Equal(c.RemoteHash, parameters["remote_hash"]);
        Assert.Equal(c.RemoteMasked, parameters["remote_masked"]);
        Assert.Equal("80", parameters["rport"]);
        Assert.Equal(c.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), parameters["pid"]);
        Assert.Equal("NORMAL", parameters["level"]);
        Assert.False(parameters.ContainsKey("truncated"));
        Assert.DoesNotContain('\n', sd);
    }

    [Fact]
    public void Long_values_are_cut_before_escaping_and_named_in_truncated()
    {
        var exe = "/" + new string(']', 5000) + "\U0001F600";
        var c = Make.Conn(Make.Node(Make.Ctx(exe, ["x"])));
        var sd = SyslogStructuredData.Format("death", c);
        var (_, parameters, rest) = Parse(sd);
        Assert.Equal("", rest);
        Assert.Equal(exe[..SyslogStructuredData.MaxValueChars], parameters["exe"]);
        Assert.Equal("exe,comm".Split(',').Order(), parameters["truncated"].Split(',').Order());
        Assert.True(sd.Length < 4 * 1024, $"structured data of {sd.Length} chars");
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var exe = "/" + new string('a', SyslogStructuredData.MaxValueChars - 2) + "\U0001F600tail";
        var c = Make.Conn(Make.Node(Make.Ctx(exe, ["x"])));
        var (_, parameters, _) = Parse(SyslogStructuredData.Format("birth", c));
        Assert.Equal(exe[..(SyslogStructuredData.MaxValueChars - 1)], parameters["exe"]);
    }

    [Fact]
    public void The_message_carries_the_element_between_msgid_and_body_and_the_frame_counts_utf8_bytes()
    {
        var c = Make.Conn(Make.Node(Make.Ctx("/opt/\u00e9t\u00e9/x", ["x"])));
        var sd = SyslogStructuredData.Format("birth", c);
        var msg = Rfc5424.Format(6, DateTime.UnixEpoch, "h", "n3ttrace", 7, "birth", "{}"u8, sd);
        Assert.Equal($"<110>1 1970-01-01T00:00:00.000000Z h n3ttrace 7 birth {sd} {{}}", Encoding.UTF8.GetString(msg));
        var framed = Rfc5424.OctetCounted(msg);
        var space = Array.IndexOf(framed, (byte)' ');
        Assert.Equal(msg.Length, int.Parse(Encoding.ASCII.GetString(framed, 0, space), System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(msg.Length > Encoding.UTF8.GetString(msg).Length, "the count is of bytes, not characters");
        Assert.Equal(msg, framed[(space + 1)..]);
    }

    /// <summary>SD-ELEMENT = "[" SD-ID *(SP SD-PARAM) "]"; SD-PARAM = PARAM-NAME "=" %d34 PARAM-VALUE %d34. Returns what follows the element.</summary>
    private static (string Id, Dictionary<string, string> Params, string After) Parse(string sd)
    {
        Assert.StartsWith("[", sd, StringComparison.Ordinal);
        var i = 1;
        string Name()
        {
            var start = i;
            while (i < sd.Length && sd[i] is > ' ' and < '\x7f' and not '=' and not ']' and not '"')
            {
                i++;
            }
            Assert.InRange(i - start, 1, 32);
            return sd[start..i];
        }
        var id = Name();
        var parameters = new Dictionary<string, string>();
        while (sd[i] == ' ')
        {
            i++;
            var name = Name();
            Assert.Equal('=', sd[i++]);
            Assert.Equal('"', sd[i++]);
            var value = new StringBuilder();
            while (sd[i] != '"')
            {
                if (sd[i] == '\\' && sd[i + 1] is '"' or '\\' or ']')
                {
                    i++;
                }
                else
                {
                    Assert.NotEqual(']', sd[i]); // an unescaped ']' inside a value would end the element for lax parsers
                }
                value.Append(sd[i++]);
            }
            i++;
            parameters.Add(name, value.ToString());
        }
        Assert.Equal(']', sd[i++]);
        return (id, parameters, sd[i..]);
    }
}
