using System.Text;
using FsCheck;
using FsCheck.Fluent;
using N3ttrace.Fuzz.Tests.Seeds;
using N3ttrace.Lineage;
using N3ttrace.Text;
using N3ttrace.Trail;

namespace N3ttrace.Fuzz.Tests.Properties;

/// <summary>TSV rows and the trail reader: format and split are inverse for any fields; the reader returns every
/// well-formed row and counts every other one.</summary>
public class TsvProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(1000);

    /// <summary>Fields of attacker-controlled text: any UTF-16 (lone surrogates included), tabs, newlines, backslashes.</summary>
    private static readonly Gen<string> Field =
        Gen.Frequency(
            (3, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "")),
            (2, Gen.ArrayOf(Gen.Elements('\t', '\n', '\r', '\\', 'x', 'a', '\u0000', '\u202E', '\uD800', '\uDC80', '\u00E9', ' ')).Select(c => new string(c))));

    [Fact]
    public void Split_of_format_gives_back_every_field()
    {
        var rows = Arb.From(Gen.ArrayOf(Field).Where(a => a.Length > 0));
        Check.One(Runs, Prop.ForAll(rows, fields =>
        {
            var line = TsvRow.Format(fields);
            var back = TsvRow.Split(line);
            return !line.Contains('\n') && !line.Contains('\r') && back.Length == fields.Length
                && back.Select(f => ArgvText.Decode(TextEscaper.Unescape(f))).SequenceEqual(fields.Select(Expected));
        }));
    }

    /// <summary>What a field is after escaping: lone surrogates other than the U+DC80.. byte carriers have no bytes.</summary>
    private static string Expected(string s)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                sb.Append(c).Append(s[++i]);
            }
            else if (!char.IsSurrogate(c) || c is >= '\uDC80' and <= '\uDCFF')
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    [Fact]
    public void The_reader_returns_each_well_formed_row_and_counts_the_rest()
    {
        var files = Arb.From(
            from width in Gen.Choose(1, 6)
            from rows in Gen.ListOf(Gen.ArrayOf(Field, width).Select(f => (Ok: true, Fields: f))
                .Or(Gen.Choose(0, 9).Where(n => n != width).SelectMany(n => Gen.ArrayOf(Field, n), (_, f) => (Ok: false, Fields: f))))
            select (width, rows));
        Check.One(Runs.WithMaxTest(300), Prop.ForAll(files, x =>
        {
            var header = string.Join('\t', Enumerable.Range(0, x.width).Select(i => $"c{i}"));
            var text = new StringBuilder(header).Append('\n');
            foreach (var (_, fields) in x.rows)
            {
                text.Append(fields.Length == 0 ? "" : TsvRow.Format(fields)).Append('\n');
            }
            var reader = new TrailReader(TrailDictionary.Empty);
            var read = reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()))).ToList();
            // An empty line is one empty field: well-formed exactly when the header has one column.
            var expected = x.rows.Where(r => r.Fields.Length == x.width || r.Fields.Length == 0 && x.width == 1).ToList();
            return read.Count == expected.Count && reader.Malformed == x.rows.Count - expected.Count
                && read.Zip(expected).All(p => p.First.Columns().Select(c => c.Value).SequenceEqual(p.Second.Fields.Length == 0 ? [""] : p.Second.Fields.Select(TextEscaper.Escape)));
        }));
    }

    [Fact]
    public void A_field_with_an_escape_no_writer_makes_is_a_damaged_trail_for_explain()
    {
        using var trail = new SeedTrail(format1: false, events: 60);
        var path = trail.Dir.FilePath(StateDirectory.BirthRecordsFile);
        var lines = File.ReadAllLines(path);
        var i = Array.FindIndex(lines, l => l.StartsWith(trail.FirstConnId, StringComparison.Ordinal) || l.Split('\t').Contains(trail.FirstConnId));
        Assert.True(i > 0, "the seed trail has a row of its first connection");
        var fields = lines[i].Split('\t');
        var conn = Array.IndexOf(fields, trail.FirstConnId);
        fields[conn == 0 ? 1 : 0] = @"\xzz";
        lines[i] = string.Join('\t', fields);
        File.WriteAllLines(path, lines);
        var e = Assert.Throws<InvalidDataException>(() => TrailRows.ForConnection(trail.Dir, StateDirectory.BirthRecordsFile, trail.FirstConnId));
        Assert.Contains($"column {StateDirectory.BirthRecordsFile}", e.Message.Replace(path + ": column ", $"column {StateDirectory.BirthRecordsFile}", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
