using System.CommandLine;
using System.Diagnostics;
using N3ttrace.Time;
using N3ttrace.Trail;

namespace N3ttrace.Bench.Trail;

/// <summary>
/// `trail-bench` (was the hidden `n3ttrace dev-trail`): writes a synthetic trail through the real
/// TrailSink (chain, seals, keyframes) on a simulated clock, for benchmarks and for trying
/// verify/at/query without root. Benchmark support, so it is not part of the product.
/// </summary>
internal static class Program
{
    private static int Main(string[] args) => Create().Parse(args).Invoke();

    private static RootCommand Create()
    {
        var stateDir = new Option<string>("--state-dir") { Description = "Where to write (a new or empty directory).", Required = true };
        var events = new Option<long>("--events") { Description = "Timeline events to write.", DefaultValueFactory = _ => 1_000_000 };
        var stepMs = new Option<double>("--step-ms") { Description = "Simulated milliseconds between events.", DefaultValueFactory = _ => 5 };
        var active = new Option<int>("--active") { Description = "Connections open on average.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var processes = new Option<int>("--processes") { Description = "Distinct processes making the connections.", DefaultValueFactory = _ => 50 };
        var argvPerProcess = new Option<bool>("--argv-per-process") { Description = "One command line per process (a storm), instead of one per connection." };
        var format1 = new Option<bool>("--format1") { Description = "Write the trail format of earlier releases (format 1), for side-by-side figures." };
        var compression = new Option<bool>("--compression") { Description = "Then compress the files with the BCL codecs at a few levels and print the figures." };
        var segmentMb = new Option<long>("--segment-mb") { Description = "Cut the trail into segments of this many MiB (and by the default age), compress the sealed ones; 0: one file as before segments.", DefaultValueFactory = _ => 0 };
        var format2 = new Option<bool>("--format2") { Description = "Write trail format 2 (chain_hash on every row, timeline birth rows), for side-by-side figures." };
        var cmd = new RootCommand("Write a synthetic trail with the real writer (benchmarks, demos).")
        {
            stateDir, events, stepMs, active, seed, processes, argvPerProcess, format1, format2, compression, segmentMb,
        };
        cmd.SetAction(p =>
        {
            var dir = StateDirectory.Open(p.GetValue(stateDir)!, create: true);
            var start = DateTime.UtcNow.AddMilliseconds(-p.GetValue(events) * p.GetValue(stepMs)).AddHours(-1);
            var w = new TrailWorkload(new DateTime(start.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc), p.GetValue(seed))
            {
                TargetActive = p.GetValue(active),
                Processes = p.GetValue(processes),
                ArgvPerProcess = p.GetValue(argvPerProcess),
            };
            var sw = Stopwatch.StartNew();
            // Same rows, chain and seals as `run`; only the once-per-second fsync is left out, since a simulated
            // hour passes in seconds here and the disk would be the only thing measured.
            var mb = p.GetValue(segmentMb);
            var options = new TrailOptions
            {
                UtcNow = w.Clock, DiskSyncInterval = TimeSpan.FromDays(1), WriteFormat1 = p.GetValue(format1), WriteFormat2 = p.GetValue(format2),
                SegmentBytes = mb > 0 ? mb << 20 : long.MaxValue, SegmentAge = mb > 0 ? TrailOptions.DefaultSegmentAge : TimeSpan.MaxValue, CompressSegments = mb > 0,
            };
            using (var sink = new TrailSink(dir, options))
            {
                w.Run(sink, p.GetValue(events), TimeSpan.FromMilliseconds(p.GetValue(stepMs)));
                sink.CompressSegmentsNow(); // what the background thread does within seconds of each cut
                Console.WriteLine($"segments\t{sink.SegmentsCut / 2}");
                Console.WriteLine($"verify_key\t{sink.NewVerifyKey}");
            }
            Console.WriteLine($"first\t{Timestamp.ToRecord(w.Start)}");
            Console.WriteLine($"last\t{Timestamp.ToRecord(w.Now)}");
            Console.WriteLine($"connections\t{w.Lives.Count}");
            Console.WriteLine($"write_seconds\t{sw.Elapsed.TotalSeconds:0.000}");
            // Disk per connection: every file of the trail (records, timeline, dictionaries, checkpoints).
            var bytes = Directory.EnumerateFiles(dir.Path, "*.tsv").Concat(Directory.EnumerateFiles(dir.Path, "*.tsv.br")).Sum(f => new FileInfo(f).Length);
            var live = new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile }.Sum(f => new FileInfo(dir.FilePath(f)).Length);
            Console.WriteLine($"live_bytes\t{live}");
            Console.WriteLine($"trail_bytes\t{bytes}");
            Console.WriteLine($"bytes_per_connection\t{(w.Lives.Count == 0 ? 0 : bytes / w.Lives.Count)}");
            if (p.GetValue(compression))
            {
                CompressionFigures.Print(dir.Path, w.Lives.Count);
            }
            return 0;
        });
        return cmd;
    }
}
