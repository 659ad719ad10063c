using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using N3ttrace.Bench.Live;
using N3ttrace.Events;
using N3ttrace.Lineage;
using N3ttrace.Cli.Live;
using N3ttrace.Pipeline;
using N3ttrace.Privacy;
using N3ttrace.Capture.Proc.ProcFs;
using N3ttrace.Time;

// bench/live: one live-view refresh with N active connections, in a real EventPipeline fed with
// synthetic ConnectionOpened/Closed events (only the kernel is replaced). Reports CPU ms per
// refresh on the pipeline thread, side by side with the exact sort-everything reference.
var active = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var ended = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50_000;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 105;

var clock = new BootClock();
var processes = new ProcessTable(new ProcessIdentity(ProcessIdentity.ReadBootId()), new ProcessReader());
processes.SeedFromProc();
var owners = Directory.EnumerateDirectories("/proc")
    .Select(d => int.TryParse(Path.GetFileName(d), out var pid) && ProcStat.TryRead("/proc", pid, out var st) ? st : (ProcStat?)null)
    .OfType<ProcStat>()
    .Select(st => new SocketOwner(new ProcessKey(st.Pid, st.StartTicks), st.Pid, 0, st.Comm))
    .ToList();

var dir = Directory.CreateTempSubdirectory("n3t-bench-live-").FullName;
var log = NullLogger.Instance;
using var live = new LiveSink(new LiveOptions(TimeSpan.Zero, 10, Tui: false, Batch: true, Path.Combine(dir, "n3ttrace.log.txt"), 10 << 20, 2),
    log, Stream.Null);
var measure = new MeasureSink(live, active, rounds);
var pipeline = new EventPipeline("ebpf", processes, new EndpointPrivacy(RandomNumberGenerator.GetBytes(32)), clock, [measure],
    new RandomVerdicts(), log);

var rng = new Random(42);
var now = BootClock.NowBootNs();
const long S = 1_000_000_000;
SocketEndpoints Endpoints(int i) => new(IPAddress.Parse("10.1.2.3"), 20000 + i % 40000,
    new IPAddress([203, 0, (byte)(i % 200), (byte)(i * 7)]), 443);
// Ended connections within the 10-minute window (the histogram side), then the active ones,
// born over the last hour (every level of the birth buckets in use).
var endedLives = new double[ended];
for (var i = 0; i < ended; i++)
{
    var key = (ulong)(1_000_000 + i);
    var birth = now - (long)(rng.NextDouble() * 500 * S);
    var life = (long)(Math.Pow(10, rng.NextDouble() * 5 - 3) * S);
    var end = Math.Min(now - 1, birth + life);
    endedLives[i] = (end - birth) / 1e9;
    var owner = owners[rng.Next(owners.Count)];
    pipeline.Post(new ConnectionOpened(birth, key, Endpoints(i), owner, birth, false, 0));
    pipeline.Post(new ConnectionClosed(end, key, 100, 200));
}
MeasureSink.EndedLifetimes = endedLives;
for (var i = 0; i < active; i++)
{
    var birth = now - (long)(rng.NextDouble() * 3600 * S);
    pipeline.Post(new ConnectionOpened(birth, (ulong)(10_000_000 + i), Endpoints(i), owners[rng.Next(owners.Count)], birth, false, 0));
}
var pump = Task.Run(() => pipeline.RunAsync());
await measure.Done.Task.WaitAsync(TimeSpan.FromMinutes(5));
pipeline.Complete();
await pump;
Directory.Delete(dir, recursive: true);

static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
static double P99(List<double> xs) => xs.Order().ElementAt(Math.Min(xs.Count - 1, (int)(xs.Count * 0.99)));
var c = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(c, $"live refresh, {active} active + {ended} ended in the window, {measure.Refresh.Count} refreshes, CPU ms on the pipeline thread:"));
Console.WriteLine(string.Create(c, $"  n3ttrace live sink   median {Median(measure.Refresh):0.000} ms  p99 {P99(measure.Refresh):0.000} ms  (target < 5 ms)"));
Console.WriteLine(string.Create(c, $"  reference exact sort median {Median(measure.Reference):0.000} ms  p99 {P99(measure.Reference):0.000} ms"));
Console.WriteLine(string.Create(c, $"  ratio live/reference  {Median(measure.Refresh) / Median(measure.Reference):0.000}"));
Console.WriteLine(string.Create(c, $"  per tick: lifetime expire/promote {Median(measure.Expire):0.000} ms; on the view thread: layout+text {Median(measure.Render):0.000} ms"));
Console.WriteLine(string.Create(c, $"  verdict: {(Median(measure.Refresh) < 5 ? "PASS" : "FAIL")} (median refresh < 5 ms)"));
Console.WriteLine("screen (plain text, as in n3ttrace.log.txt):");
Console.Write(measure.Screen);
return Median(measure.Refresh) < 5 ? 0 : 1;
