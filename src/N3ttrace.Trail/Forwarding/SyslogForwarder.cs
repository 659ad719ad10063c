using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using N3ttrace.Connections;
using N3ttrace.Trail.Export;
using N3ttrace.Pipeline;
using N3ttrace.Text;
using N3ttrace.Time;
using N3ttrace.Trail;

namespace N3ttrace.Trail.Forwarding;

/// <summary>
/// Sends every record (birth, fail, death, level change) to a syslog collector as RFC 5424 with
/// the flat JSON record as MSG. The pipeline thread only formats and enqueues; a thread of its own
/// connects, sends, and reconnects with exponential backoff. The queue is bounded: when the collector
/// is away for long, new records are dropped and counted, never the trail on disk held up.
/// </summary>
public sealed class SyslogForwarder : PipelineSink
{
    /// <summary>Largest message sent (the collector must accept it: rsyslog's maxMessageSize defaults to 8k).</summary>
    public const int MaxMessageBytes = 64 * 1024;

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ForwardTarget _target;
    private readonly ForwardTls? _tls;
    private readonly ILogger _log;
    private readonly int _capacity;
    private readonly TimeSpan _maxBackoff;
    private readonly string _hostName;
    private readonly Queue<(string MsgId, byte[] Message)> _queue = new();
    private readonly object _lock = new();
    /// <summary>Set only by Stop: a backoff wait must not be cut short by new records (each would be a retry).</summary>
    private readonly ManualResetEventSlim _stopSignal = new(false);
    private readonly Thread _thread;
    private readonly int _pid = Environment.ProcessId;
    private DateTime _drainDeadline = DateTime.MaxValue;
    private bool _stopping;
    private long _records, _sent, _droppedFull, _droppedOversize, _droppedAtStop, _connects, _ownSkipped, _attempts;
    private volatile bool _connected;

    public ForwardTarget Target => _target;

    /// <param name="tls">For syslog+tls: what to trust and show (default: the system trust store, no client certificate).</param>
    public SyslogForwarder(ForwardTarget target, ILogger log, int capacity = 10_000, TimeSpan? maxBackoff = null, string? hostName = null, ForwardTls? tls = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _target = target;
        _tls = tls;
        _log = log;
        _capacity = capacity;
        _maxBackoff = maxBackoff ?? TimeSpan.FromSeconds(10);
        _hostName = hostName ?? Environment.MachineName;
        _thread = new Thread(SendLoop) { IsBackground = true, Name = "n3ttrace-forward" };
        _thread.Start();
    }

    public override void OnBirth(Connection c) => Enqueue(TimelineColumns.Birth, c.BirthUtc, c, c.BirthBootNs);

    public override void OnFail(Connection c) => Enqueue(TimelineColumns.Fail, c.EndUtc!.Value, c, c.EndBootNs!.Value);

    public override void OnDeath(Connection c) => Enqueue(TimelineColumns.Death, c.EndUtc!.Value, c, c.EndBootNs!.Value);

    public override void OnVerdictChange(Connection c, Verdict previous)
    {
        if (previous.Level != c.Verdict.Level)
        {
            Enqueue(TimelineColumns.Level, DateTime.UtcNow, c, BootClock.NowBootNs());
        }
    }

    public ForwarderStats Stats
    {
        get
        {
            lock (_lock)
            {
                return new ForwarderStats(_records, _sent, _droppedFull, _droppedOversize, _droppedAtStop, _queue.Count, _connects, _connected, Interlocked.Read(ref _ownSkipped), Interlocked.Read(ref _attempts));
            }
        }
    }

    /// <summary>The record exactly as `export --format jsonl` writes it.</summary>
    public static byte[] Body(string evt, DateTime ts, Connection c, long nowBootNs)
    {
        var timeline = TimelineColumns.Names.Zip(TimelineColumns.Values(evt, ts, c, nowBootNs).Select(TextEscaper.Escape));
        var birth = BirthRecordColumns.Names.Zip(BirthRecordColumns.Values(c).Select(TextEscaper.Escape));
        using var ms = new MemoryStream(2048);
        using (var w = new Utf8JsonWriter(ms, JsonOptions))
        {
            FlatRecordJson.Write(w, timeline, birth);
        }
        return ms.ToArray();
    }

    private void Enqueue(string evt, DateTime ts, Connection c, long nowBootNs)
    {
        if (c.Pid == _pid)
        {
            // n3ttrace's own connections (this forwarder's among them) are not news to the collector, and
            // forwarding the failures of a connect to a down collector would feed the queue with itself.
            Interlocked.Increment(ref _ownSkipped);
            return;
        }
        var message = Rfc5424.Format(Rfc5424.Severity(Verdict.LevelName(c.Verdict.Level)), ts, _hostName, "n3ttrace", _pid, evt, Body(evt, ts, c, nowBootNs),
            SyslogStructuredData.Format(evt, c));
        lock (_lock)
        {
            _records++;
            if (message.Length > MaxMessageBytes)
            {
                _droppedOversize++;
            }
            else if (_queue.Count >= _capacity)
            {
                _droppedFull++;
            }
            else
            {
                _queue.Enqueue((evt, message));
                Monitor.Pulse(_lock);
            }
        }
    }

    private void SendLoop()
    {
        SyslogConnection? conn = null;
        var backoff = TimeSpan.FromMilliseconds(100);
        var reportedDown = false;
        while (true)
        {
            byte[] message;
            lock (_lock)
            {
                while (_queue.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_lock);
                }
                if (_queue.Count == 0 || DateTime.UtcNow >= _drainDeadline)
                {
                    break;
                }
                message = _queue.Peek().Message;
            }
            if (conn is not null && conn.PeerClosed())
            {
                conn.Dispose();
                conn = null;
                _connected = false;
            }
            if (conn is null)
            {
                try
                {
                    Interlocked.Increment(ref _attempts);
                    conn = SyslogConnection.Open(_target, _tls, TimeSpan.FromSeconds(5));
                    _connected = true;
                    Interlocked.Increment(ref _connects);
                    backoff = TimeSpan.FromMilliseconds(100);
                    if (reportedDown || _connects == 1)
                    {
                        _log.LogInformation("forward: connected to {Target}{Tls}", _target, conn.Describe());
                    }
                    reportedDown = false;
                }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or System.Security.Authentication.AuthenticationException)
                {
                    if (!reportedDown)
                    {
                        _log.LogWarning("forward: cannot reach {Target} ({Error}); records wait in a queue of {Capacity} and are dropped, counted, beyond it; retrying with backoff",
                            _target, e.Message, _capacity);
                        reportedDown = true;
                    }
                    WaitBackoff(Jittered(backoff));
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _maxBackoff.Ticks));
                    continue;
                }
            }
            try
            {
                conn.Send(message);
                lock (_lock)
                {
                    _queue.Dequeue();
                    _sent++;
                }
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or ObjectDisposedException)
            {
                // The message stays at the head of the queue and goes again after reconnecting.
                conn.Dispose();
                conn = null;
                _connected = false;
                _log.LogWarning("forward: sending to {Target} failed ({Error}); reconnecting", _target, e.Message);
                reportedDown = true;
            }
        }
        conn?.Dispose();
        _connected = false;
    }

    /// <summary>Full jitter over the upper half: retries of many hosts after one outage do not arrive in step.</summary>
    private static TimeSpan Jittered(TimeSpan backoff) => backoff * (0.5 + Random.Shared.NextDouble() / 2);

    /// <summary>Waits out a backoff; only Stop ends it early (and then only down to the drain deadline).</summary>
    private void WaitBackoff(TimeSpan delay)
    {
        if (!_stopSignal.IsSet)
        {
            _stopSignal.Wait(delay);
            return;
        }
        var left = _drainDeadline - DateTime.UtcNow;
        if (left > TimeSpan.Zero)
        {
            Thread.Sleep(left < delay ? left : delay);
        }
    }

    /// <summary>Stops the sender, giving it up to <paramref name="drain"/> to send what is queued; the rest is counted as dropped.</summary>
    public ForwarderStats Stop(TimeSpan drain)
    {
        lock (_lock)
        {
            if (!_stopping)
            {
                _stopping = true;
                _drainDeadline = DateTime.UtcNow + drain;
                Monitor.PulseAll(_lock);
                _stopSignal.Set();
            }
        }
        _thread.Join();
        lock (_lock)
        {
            _droppedAtStop += _queue.Count;
            _queue.Clear();
        }
        return Stats;
    }

    public override void Dispose()
    {
        Stop(TimeSpan.FromSeconds(2));
        _stopSignal.Dispose();
        base.Dispose();
    }
}
