using System.Text;
using N3ttrace.Trail;

namespace N3ttrace.Trail.Export;

/// <summary>Runs the trail's own verification (plain chain: no key on the host) at export time.</summary>
public sealed class StateTrailVerifier : ITrailVerifier
{
    public TrailVerification Verify(StateDirectory dir)
    {
        var r = TrailVerifier.Verify(dir.Path, key: null);
        var heads = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in ChainFiles.Names)
        {
            if (dir.FileExists(name))
            {
                using var s = TrailReader.OpenShared(dir.FilePath(name));
                var bytes = new byte[s.Length];
                s.ReadExactly(bytes);
                if (ChainFiles.Head(bytes[..(Array.LastIndexOf(bytes, (byte)'\n') + 1)]) is { } h)
                {
                    heads[name] = h;
                }
            }
        }
        return new TrailVerification(r.Intact, Describe(r), heads);
    }

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
