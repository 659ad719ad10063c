using System.CommandLine;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

/// <summary>
/// `run --retain DAYS --max-disk SIZE --segment-size SIZE --segment-age DURATION`: how long and how much trail is kept,
/// and where the live files are cut into sealed, compressed segments (docs/trail-retention.md).
/// </summary>
internal sealed class RetentionOptions
{
    /// <summary>90 days: a quarter of history, the usual look-back of an incident (and of many compliance rules).</summary>
    public const int DefaultRetainDays = 90;
    /// <summary>2 GiB: a quarter of a busy host's connections at ~60 bytes each once compressed, and no disk filled by surprise.</summary>
    public const long DefaultMaxDisk = 2L << 30;
    /// <summary>The two live files and the newest sealed pair are never pruned: the cap must leave room for them.</summary>
    public const int MinSegmentsInCap = 4;

    public Option<int> Retain { get; } = Numbers.Integer("--retain",
        $"Prune sealed segments whose rows are all older than this many days (0: keep them whatever their age; default {DefaultRetainDays})",
        DefaultRetainDays, 0, 36_500);

    public Option<long> MaxDisk { get; } = Size("--max-disk",
        $"Prune the oldest sealed segments while the state directory holds more than this ({ByteSize.Forms}; 0: no cap; default {ByteSize.Text(DefaultMaxDisk)}). " +
        "With either limit set a full disk prunes the oldest sealed segment; with neither, writing pauses until room returns",
        DefaultMaxDisk, 0, long.MaxValue / 4, allowZero: true);

    public Option<long> SegmentSize { get; } = Size("--segment-size",
        $"Cut the live birth records and timeline into a sealed segment (then compressed) once either holds this much ({ByteSize.Forms}; default {ByteSize.Text(TrailOptions.DefaultSegmentBytes)})",
        TrailOptions.DefaultSegmentBytes, 64 << 10, 4L << 30, allowZero: false);

    public Option<TimeSpan> SegmentAge { get; } = Numbers.Duration("--segment-age",
        "... or once its first row is this old", TrailOptions.DefaultSegmentAge, TimeSpan.FromSeconds(10), TimeSpan.FromDays(7));

    public IEnumerable<Option> All => [Retain, MaxDisk, SegmentSize, SegmentAge];

    /// <summary>The cap must hold what is never pruned: refused at parse time with the numbers.</summary>
    public void Validate(Command cmd) => cmd.Validators.Add(r =>
    {
        try
        {
            if (Check(r.GetValue(MaxDisk), r.GetValue(SegmentSize)) is { } error)
            {
                r.AddError(error);
            }
        }
        catch (InvalidOperationException)
        {
            // one of the two did not parse: its own error says so
        }
    });

    /// <summary>Why a cap and a segment size do not go together, or null.</summary>
    public static string? Check(long cap, long segment) =>
        cap > 0 && cap < MinSegmentsInCap * segment
            ? $"--max-disk {ByteSize.Text(cap)} is below {MinSegmentsInCap} x --segment-size ({ByteSize.Text(MinSegmentsInCap * segment)}): " +
              "the two live files and the newest sealed segments are never pruned and could exceed it; raise --max-disk or lower --segment-size"
            : null;

    public TrailOptions Apply(ParseResult p, TrailOptions o) => o with
    {
        Retain = TimeSpan.FromDays(p.GetValue(Retain)),
        MaxDiskBytes = p.GetValue(MaxDisk),
        SegmentBytes = p.GetValue(SegmentSize),
        SegmentAge = p.GetValue(SegmentAge),
    };

    private static Option<long> Size(string name, string description, long defaultValue, long min, long max, bool allowZero) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            var token = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (!ByteSize.TryParse(token, out var v))
            {
                r.AddError($"Cannot parse argument '{N3ttrace.Text.TextEscaper.Escape(token)}' for option '{name}': expected {ByteSize.Forms}");
                return defaultValue;
            }
            if (!(allowZero && v == 0) && (v < min || v > max))
            {
                r.AddError($"{name} must be {(allowZero ? "0 or " : "")}between {ByteSize.Text(min)} and {ByteSize.Text(max)}, not '{N3ttrace.Text.TextEscaper.Escape(token)}'");
            }
            return v;
        },
    };
}
