using System.Globalization;
using System.Text;
using N3ttrace.Connections;

namespace N3ttrace.Trail.Forwarding;

/// <summary>
/// RFC 5424 messages: "&lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG", header fields
/// cut to printable US-ASCII without spaces (a NILVALUE "-" when empty), MSG UTF-8 without BOM
/// (the body is JSON, which a BOM would break for most parsers).
/// </summary>
public static class Rfc5424
{
    /// <summary>Facility 13, "log audit": records of what the host did, for the security team.</summary>
    public const int Facility = 13;

    /// <param name="structuredData">Already formatted STRUCTURED-DATA (see <see cref="SyslogStructuredData"/>); null for the NILVALUE "-".</param>
    public static byte[] Format(int severity, DateTime utc, string hostName, string appName, int procId, string msgId, ReadOnlySpan<byte> body, string? structuredData = null)
    {
        // The header fields are ASCII by construction; SD-PARAM values are UTF-8 (RFC 5424 6.3.3).
        var header = string.Create(CultureInfo.InvariantCulture,
            $"<{Facility * 8 + severity}>1 {utc.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'} {Field(hostName, 255)} {Field(appName, 48)} {procId} {Field(msgId, 32)} {structuredData ?? "-"} ");
        var bytes = new byte[Encoding.UTF8.GetByteCount(header) + body.Length];
        var n = Encoding.UTF8.GetBytes(header, bytes);
        body.CopyTo(bytes.AsSpan(n));
        return bytes;
    }

    /// <summary>RFC 6587 octet counting: "LEN SP MSG".</summary>
    public static byte[] OctetCounted(byte[] message)
    {
        var prefix = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{message.Length} "));
        var framed = new byte[prefix.Length + message.Length];
        prefix.CopyTo(framed, 0);
        message.CopyTo(framed, prefix.Length);
        return framed;
    }

    /// <summary>Severity by risk level: NORMAL informational (6), ANOMALY warning (4), THREAT critical (2).</summary>
    public static int Severity(string level) => level switch
    {
        Verdict.Threat => 2,
        Verdict.Anomaly => 4,
        _ => 6,
    };

    private static string Field(string s, int max)
    {
        var sb = new StringBuilder(Math.Min(s.Length, max));
        foreach (var c in s)
        {
            if (sb.Length == max)
            {
                break;
            }
            if (c is > ' ' and < '\x7f')
            {
                sb.Append(c);
            }
        }
        return sb.Length == 0 ? "-" : sb.ToString();
    }
}
