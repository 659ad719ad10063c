using System.Text;
using N3ttrace.Trail;

namespace N3ttrace.Trail.Export;

/// <summary>How a verification of the bundled chain is written in verification.txt and by `verify --bundle`.</summary>
public static class StateTrailVerifier
{
    public static string Describe(VerifyReport r)
    {
        var sb = new StringBuilder();
        sb.Append(r.Intact ? "plain hash chain intact" : $"DAMAGED: {r.DamagesFound} finding(s)").Append(" (seals need the verification key: n3ttrace verify --bundle FILE --verify-key KEY)\n");
        foreach (var d in r.Damages.Take(20))
        {
            sb.Append("  ").Append(Text.TextEscaper.Escape(d.ToString())).Append('\n');
        }
        foreach (var f in r.Files.Where(f => f.Present))
        {
            sb.Append($"  {f.File}: {f.Rows} rows, {f.DataRows} records, {f.FirstTs} .. {f.LastTs}");
            if (f.Recoveries.Count > 0)
            {
                sb.Append($", {f.Recoveries.Count} recovery record(s)");
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
