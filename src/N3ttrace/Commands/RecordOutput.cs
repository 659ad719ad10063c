using System.CommandLine;
using System.Text.Json;
using N3ttrace.Text;

namespace N3ttrace.Cli.Commands;

/// <summary>Writes rows as an aligned table, TSV (header + rows) or a JSON array of objects. Values come from the trail
/// already escaped as stored; a value that still holds a control character (a tampered file) is escaped again.</summary>
internal static class RecordOutput
{
    public static Option<string> FormatOption() => new("--format")
    {
        Description = "Output format: table (aligned, for people), tsv (header + rows, escaped like the trail) or json.",
        DefaultValueFactory = _ => "table",
        CustomParser = r =>
        {
            var v = r.Tokens.Count > 0 ? r.Tokens[0].Value : "table";
            if (v is not ("table" or "tsv" or "json"))
            {
                r.AddError($"--format must be table, tsv or json, not '{TextEscaper.Escape(v)}'");
            }
            return v;
        },
    };

    public static Option<string?> OutputOption() => new("--output", "-o")
    {
        Description = "Write to FILE instead of stdout ('-' is stdout). Written to a temporary file and renamed, so it is complete or absent; an existing FILE is refused.",
    };

    /// <summary>Writes the rows to stdout or to a new file (complete or absent). The table's summary line goes first.</summary>
    /// <param name="gaps">Gap records in the answer's window: the answer is incomplete (see <see cref="IncompleteNotice"/>).</param>
    public static int WriteTo(string? output, string format, string tableSummary, IReadOnlyList<string> columns, IReadOnlyList<string[]> rows, IReadOnlyList<string>? tableColumns = null,
        IReadOnlyList<Trail.GapRecord>? gaps = null)
    {
        gaps ??= [];
        if (format != "table" || output is not (null or "-"))
        {
            foreach (var line in IncompleteNotice.Lines(gaps))
            {
                Console.Error.WriteLine(line);
            }
        }
        if (output is null or "-")
        {
            if (format == "table")
            {
                Console.Out.WriteLine(tableSummary);
                foreach (var line in IncompleteNotice.Lines(gaps))
                {
                    Console.Out.WriteLine(line);
                }
            }
            Write(Console.Out, format, columns, rows, tableColumns, gaps.Count);
            Console.Out.Flush();
            return ExitCodes.Ok;
        }
        try
        {
            using var file = Trail.Export.AtomicOutputFile.Create(output, overwrite: false);
            using (var w = new StreamWriter(file.Stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true))
            {
                if (format == "table")
                {
                    w.WriteLine(tableSummary);
                    foreach (var line in IncompleteNotice.Lines(gaps))
                    {
                        w.WriteLine(line);
                    }
                }
                Write(w, format, columns, rows, tableColumns, gaps.Count);
            }
            file.Stream.Flush();
            file.Commit();
            Console.Error.WriteLine($"wrote {file.Path}: {rows.Count} row(s)");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Failure;
        }
    }


    public static void Write(TextWriter w, string format, IReadOnlyList<string> columns, IReadOnlyList<string[]> rows, IReadOnlyList<string>? tableColumns = null, int? gapsInWindow = null)
    {
        switch (format)
        {
            case "tsv":
                w.WriteLine(string.Join('\t', columns));
                foreach (var r in rows)
                {
                    w.WriteLine(string.Join('\t', r.Select(Safe)));
                }
                break;
            case "json":
                using (var s = new MemoryStream())
                using (var j = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    j.WriteStartArray();
                    foreach (var r in rows)
                    {
                        if (gapsInWindow is { } g)
                        {
                            // The record as everywhere else, and whether the window it was found in holds gaps.
                            j.WriteStartObject();
                            for (var i = 0; i < columns.Count; i++)
                            {
                                Trail.Export.FlatRecordJson.WriteField(j, columns[i], r[i]);
                            }
                            j.WriteBoolean("incomplete", g > 0);
                            j.WriteNumber("gaps_in_window", g);
                            j.WriteEndObject();
                        }
                        else
                        {
                            Trail.Export.FlatRecordJson.Write(j, columns.Select((c, i) => (c, r[i])), null);
                        }
                    }
                    j.WriteEndArray();
                    j.Flush();
                    w.WriteLine(System.Text.Encoding.UTF8.GetString(s.GetBuffer(), 0, (int)s.Length));
                }
                break;
            default:
                var shown = tableColumns ?? columns;
                var idx = shown.Select(c => columns.ToList().IndexOf(c)).ToArray();
                var cells = rows.Select(r => idx.Select(i => Clip(Safe(r[i]))).ToArray()).ToList();
                var width = shown.Select((c, k) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(x => x[k].Length))).ToArray();
                w.WriteLine(string.Join("  ", shown.Select((c, k) => c.PadRight(width[k]))).TrimEnd());
                foreach (var c in cells)
                {
                    w.WriteLine(string.Join("  ", c.Select((x, k) => x.PadRight(width[k]))).TrimEnd());
                }
                break;
        }
    }

    private static string Safe(string s) => s.Any(ch => ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0)) ? TextEscaper.Escape(s) : s;

    private static string Clip(string s) => s.Length > 60 ? s[..57] + "..." : s;
}
