using System.Globalization;

namespace N3ttrace.Trail.Fleet;

/// <summary>
/// How a trail row of one file header becomes a row of one fleet table: for each of the table's record columns (after
/// the placement columns), where its value is in the row and how it is written. Made once per header, so a row costs
/// no lookups by name: the throughput of shipping is this loop.
/// </summary>
public sealed class FleetRowPlan
{
    private const int PlacementColumns = 5;
    private static readonly Dictionary<string, string> Lists = FleetSchema.Tables.ToDictionary(t => t.Name, t => string.Join(", ", t.Columns.Select(c => c.Name)));

    private enum Kind { Text, Int, Float, Reasons, Attack, Event }

    private readonly (Kind Kind, int Index)[] _columns;

    private FleetRowPlan((Kind, int)[] columns) => _columns = columns;

    /// <summary>The table's columns in the order a row is written (the INSERT's column list).</summary>
    public static string ColumnList(string table) => Lists[table];

    public static FleetRowPlan For(string table, IReadOnlyDictionary<string, int> header)
    {
        var t = FleetSchema.Tables.First(x => x.Name == table);
        var cols = new List<(Kind, int)>();
        foreach (var (name, type) in t.Columns.Skip(PlacementColumns))
        {
            var index = header.TryGetValue(name is "attack_ids" ? ReasonColumns.Text : name, out var i) ? i : -1;
            cols.Add((name switch
            {
                "attack_ids" => Kind.Attack,
                ReasonColumns.Text => Kind.Reasons,
                "event" => Kind.Event,
                _ => type switch
                {
                    "Nullable(Int64)" => Kind.Int,
                    "Nullable(Float64)" => Kind.Float,
                    "String" => Kind.Text,
                    _ => throw new InvalidOperationException($"fleet table {table}: no row plan for column {name} {type}"),
                },
            }, index));
        }
        return new FleetRowPlan([.. cols]);
    }

    /// <summary>Writes the record columns of <paramref name="r"/>; <paramref name="eventValue"/> replaces the row's event
    /// (a birth record has none of its own). A column the file lacks is written empty (text), null (numbers) or [].</summary>
    public void Write(FleetRowWriter w, TrailRow r, string? eventValue)
    {
        foreach (var (kind, index) in _columns)
        {
            var value = index >= 0 ? r.At(index) : "";
            switch (kind)
            {
                case Kind.Text:
                    w.Text(value);
                    break;
                case Kind.Event:
                    w.Text(eventValue ?? value);
                    break;
                case Kind.Int:
                    // As FlatRecordJson: a number, null when empty (or, never written by the trail, not a number).
                    w.Number(long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null);
                    break;
                case Kind.Float:
                    if (double.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                    {
                        w.Number(d);
                    }
                    else
                    {
                        w.NullValue();
                    }
                    break;
                case Kind.Reasons:
                    w.Array(value.Split("; ", StringSplitOptions.RemoveEmptyEntries));
                    break;
                case Kind.Attack:
                    w.Array(value.Length == 0 ? [] : Inference.RecordedReason.Techniques(value));
                    break;
            }
        }
    }
}
