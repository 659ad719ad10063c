using System.Text.Encodings.Web;
using System.Text.Json;

namespace N3ttrace.Trail.Export;

/// <summary>Writes a window's timeline events as JSON lines, flat (jsonl) or OCSF; returns the line count.</summary>
public static class JsonLinesWriter
{
    public static long Write(Stream output, TrailWindow trail, ExportFormat format, string productVersion, DateTime? bootUtc, Action<long, long>? progress = null,
        HostFacts? host = null)
    {
        // Escaped text keeps its backslashes; the default encoder would also turn '+' or '<' into \uXXXX.
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using var w = new Utf8JsonWriter(output, options);
        long n = 0;
        foreach (var (evt, birth) in trail.Events())
        {
            if (format == ExportFormat.Ocsf)
            {
                OcsfNetworkActivity.Write(w, evt, birth, productVersion, bootUtc, host);
            }
            else
            {
                FlatRecordJson.Write(w, evt.Columns(), birth?.Columns());
            }
            w.Flush();
            output.WriteByte((byte)'\n');
            w.Reset();
            n++;
            progress?.Invoke(n, trail.Timeline.Count);
        }
        return n;
    }
}
