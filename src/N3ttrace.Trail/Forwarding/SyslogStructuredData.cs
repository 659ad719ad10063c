using System.Globalization;
using System.Text;
using N3ttrace.Connections;
using N3ttrace.Text;

namespace N3ttrace.Trail.Forwarding;

/// <summary>
/// RFC 5424 STRUCTURED-DATA with a record's key fields, so a collector can filter and index without parsing the
/// JSON body: one element [n3ttrace@32473 event="birth" conn_id="..." ...]. 32473 is the private enterprise
/// number RFC 5612 reserves for documentation and examples; n3ttrace has none of its own.
/// Text fields are attacker-controlled: each keeps the trail's reversible escaping, is cut to
/// <see cref="MaxValueChars"/> characters before it (the cut ones are named in truncated="..."), and then gets
/// the SD-PARAM escapes of '"', '\' and ']' (RFC 5424 6.3.3). The full values are in the JSON body.
/// </summary>
public static class SyslogStructuredData
{
    public const string SdId = "n3ttrace@32473";

    /// <summary>Characters kept of a text value before escaping (so at most 4x this many after the trail's \xHH).</summary>
    public const int MaxValueChars = 128;

    public static string Format(string evt, Connection c)
    {
        var sb = new StringBuilder(512);
        var truncated = new List<string>();
        sb.Append('[').Append(SdId);
        void Param(string name, string value)
        {
            if (value.Length > MaxValueChars)
            {
                // Never split a surrogate pair: half a character is invalid UTF-8 on the wire.
                var cut = char.IsHighSurrogate(value[MaxValueChars - 1]) ? MaxValueChars - 1 : MaxValueChars;
                value = value[..cut];
                truncated.Add(name);
            }
            sb.Append(' ').Append(name).Append("=\"").Append(EscapeValue(TextEscaper.Escape(value))).Append('"');
        }
        Param("event", evt);
        Param("conn_id", c.ConnId);
        Param("direction", FlowDirections.Name(c.Direction));
        Param("proto", FlowProtocols.Name(c.Protocol));
        if (c.Netns != 0)
        {
            Param("netns", c.Netns.ToString(CultureInfo.InvariantCulture));
        }
        if (c.Container is { } container)
        {
            Param("container", container.ToString());
        }
        Param("level", Verdict.LevelName(c.Verdict.Level));
        Param("score", c.Verdict.Score.ToString(CultureInfo.InvariantCulture));
        Param("purpose", c.Verdict.Purpose);
        Param("pid", c.Pid.ToString(CultureInfo.InvariantCulture));
        Param("uid", c.Uid.ToString(CultureInfo.InvariantCulture));
        Param("comm", c.Comm);
        Param("exe", c.Context.Exe);
        Param("ancestry_id", c.AncestryId);
        Param("remote_masked", c.RemoteMasked);
        Param("remote_scope", c.RemoteScope);
        Param("remote_hash", c.RemoteHash);
        Param("rport", c.RemotePort.ToString(CultureInfo.InvariantCulture));
        if (truncated.Count > 0)
        {
            sb.Append(" truncated=\"").Append(string.Join(',', truncated)).Append('"');
        }
        return sb.Append(']').ToString();
    }

    /// <summary>PARAM-VALUE escaping: '"', '\' and ']' get a backslash; nothing else may be escaped.</summary>
    public static string EscapeValue(string value)
    {
        if (value.AsSpan().IndexOfAny('"', '\\', ']') < 0)
        {
            return value;
        }
        var sb = new StringBuilder(value.Length + 8);
        foreach (var ch in value)
        {
            if (ch is '"' or '\\' or ']')
            {
                sb.Append('\\');
            }
            sb.Append(ch);
        }
        return sb.ToString();
    }
}
