using N3ttrace.Connections;
using N3ttrace.Lifetimes;
using N3ttrace.Cli.Live;
using N3ttrace.Pipeline;

namespace N3ttrace.Core.Tests.Live;

public class FrameLayoutTests
{
    private const long S = 1_000_000_000;

    internal static LiveFrame Frame(int n = 12, SortMode sort = SortMode.Risk, bool hostile = true)
    {
        var now = 10_000 * S;
        var stats = new LifetimeStats(TimeSpan.FromMinutes(10));
        var active = new List<Connection>();
        for (var i = 0; i < n; i++)
        {
            var argv = i switch
            {
                0 when hostile => "\e]2;PWNED\a\nrow\0with\ttab\0" + new string('x', 100_000),
                1 => "中文程序\0--flag\0",
                2 => "e\u0301\0\U0001F600\0",
                _ => $"/usr/bin/worker-{i}\0--id\0{i}\0",
            };
            var c = Connections.Make(now - (i + 1) * 7 * S, pid: 1000 + i, comm: i == 0 && hostile ? "ev\nil\e[0m" : $"w{i}", argv: argv,
                level: (RiskLevel)(i % 3), score: i * 7 % 100);
            stats.OnStarted(c);
            active.Add(c);
        }
        var view = new PipelineView(DateTime.UnixEpoch.AddTicks(now / 100), now, "ebpf", "eBPF tp_btf", active, new PipelineStats { Events = 5, SourceDropped = 3 }, stats, false);
        return new FrameBuilder().Build(view, sort, n, 0);
    }

    /// <summary>Display columns of a line: each wide character takes two cells, the second empty.</summary>
    private static List<string> Cells(string line)
    {
        var cells = new List<string>();
        foreach (var r in line.EnumerateRunes())
        {
            cells.Add(r.ToString());
            if (DisplayText.RuneWidth(r) == 2)
            {
                cells.Add("");
            }
        }
        return cells;
    }

    [Theory]
    [InlineData(250)]
    [InlineData(200)]
    [InlineData(132)]
    [InlineData(100)]
    [InlineData(80)]
    [InlineData(60)]
    [InlineData(30)]
    public void Every_line_fits_the_width_and_rows_stay_aligned(int width)
    {
        var frame = Frame();
        var lines = FrameLayout.Lay(frame, width, paused: false);
        Assert.Equal(FrameLayout.HeaderLines + frame.Rows.Count, lines.Count);
        foreach (var l in lines)
        {
            Assert.InRange(DisplayText.Width(l.Text), 0, width);
            DisplayTextTests.AssertInert(l.Text.Replace("\u2581", "").Replace("\u2588", ""));
        }
        var (cols, widths) = FrameLayout.Widths(frame.Rows, width);
        var total = widths.Sum() + cols.Count - 1;
        if (total > width)
        {
            return; // too narrow for any table: lines are cut, checked above
        }
        // Every cell starts at its column's offset: the character before it is the separator.
        var titles = Cells(lines[FrameLayout.HeaderLines - 1].Text);
        for (var r = 0; r < frame.Rows.Count; r++)
        {
            var cells = Cells(lines[FrameLayout.HeaderLines + r].Text);
            var at = 0;
            for (var i = 0; i < cols.Count; i++)
            {
                var expected = DisplayText.Fit(cols[i].Cell(frame.Rows[r]), widths[i], cols[i].Right);
                var got = string.Concat(cells.Skip(at).Take(widths[i])).PadRight(expected.Length);
                Assert.Equal(expected.TrimEnd(), got.TrimEnd());
                Assert.StartsWith(cols[i].Name, string.Concat(titles.Skip(at).Take(widths[i])).TrimStart());
                at += widths[i] + 1;
            }
        }
    }

    [Fact]
    public void Proc_takes_the_room_left_and_narrow_terminals_drop_local_first()
    {
        var frame = Frame();
        var (wide, ww) = FrameLayout.Widths(frame.Rows, 200);
        Assert.Equal(FrameLayout.Columns.Select(c => c.Name), wide.Select(c => c.Name));
        Assert.Equal(200, ww.Sum() + wide.Count - 1);
        var (narrow, _) = FrameLayout.Widths(frame.Rows, 100);
        Assert.DoesNotContain(narrow, c => c.Name == "LOCAL");
        Assert.Contains(narrow, c => c.Name == "PROC");
        Assert.Contains(narrow, c => c.Name == "PID");
    }

    [Fact]
    public void Header_shows_mode_counters_p90_longest_and_histogram()
    {
        var frame = Frame();
        var header = FrameLayout.Header(frame, paused: true).ToList();
        Assert.Contains("mode ebpf (eBPF tp_btf)", header[0]);
        Assert.Contains("PAUSED", header[0]);
        Assert.Contains("drops 3", header[1]);
        Assert.Contains("active 12", header[1]);
        Assert.Contains("longest 1m24s pid 1011 w11", header[1]);
        Assert.Matches(@"p90 1m16s", header[1]); // ages 7..84 s: nearest-rank p90 of 12 is the 11th, 77 s, shown within 1%
        Assert.Contains("lifetimes <1ms [", header[2]);
    }

    [Fact]
    public void Rows_hold_escaped_process_text_cut_early()
    {
        var frame = Frame();
        var evil = Assert.Single(frame.Rows, r => r.Pid == 1000);
        Assert.StartsWith(@"ev\nil\x1b[0m :: \x1b]2;PWNED\x07\nrow with\ttab xxx", evil.Proc);
        Assert.InRange(evil.Proc.Length, 100, 4 * DisplayText.MaxRawChars * 4);
        var wide = Assert.Single(frame.Rows, r => r.Pid == 1001);
        Assert.Equal("w1 :: 中文程序 --flag", wide.Proc);
    }

    [Theory]
    [InlineData(SortMode.Risk)]
    [InlineData(SortMode.Lifetime)]
    [InlineData(SortMode.Pid)]
    public void Top_rows_follow_the_sort(SortMode sort)
    {
        var frame = Frame(n: 30, sort: sort);
        var pids = frame.Rows.Select(r => r.Pid).ToList();
        switch (sort)
        {
            case SortMode.Risk:
                Assert.Equal(frame.Rows.Select(r => r.Level).OrderByDescending(l => l), frame.Rows.Select(r => r.Level));
                Assert.Equal(RiskLevel.Threat, frame.Rows[0].Level);
                break;
            case SortMode.Lifetime:
                Assert.Equal(pids.OrderByDescending(p => p), pids); // older births have higher pids here
                break;
            default:
                Assert.Equal(pids.Order(), pids);
                break;
        }
    }

    [Fact]
    public void Top_selection_equals_a_full_sort()
    {
        var rng = new Random(9);
        for (var round = 0; round < 50; round++)
        {
            var items = Enumerable.Range(0, rng.Next(0, 500)).Select(_ => rng.Next(0, 100)).ToList();
            var n = rng.Next(0, 40);
            Assert.Equal(items.Order().Take(n), TopSelection.Select(items, Comparer<int>.Default, n));
        }
    }
}
