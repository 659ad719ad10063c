using System.CommandLine;
using Microsoft.Extensions.Logging;
using N3ttrace.Trail.Forwarding;

namespace N3ttrace.Cli.Commands;

/// <summary>`run --forward URL --forward-queue N`: fleet forwarding to a syslog collector.</summary>
internal static class ForwardOptions
{
    public static (Option<string?> Forward, Option<int> Queue) Create()
    {
        var forward = new Option<string?>("--forward")
        {
            Description = "Also send every record (birth, fail, death, level change) to a syslog collector: syslog+tcp://HOST:PORT " +
                "(RFC 5424, octet-counted framing) or syslog+udp://HOST:PORT, with the record as a JSON body. " +
                "Reconnects with backoff; the trail on disk never waits for the collector.",
        };
        forward.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } v && !ForwardTarget.TryParse(v, out _, out var error))
            {
                r.AddError(error);
            }
        });
        var queue = Numbers.Integer("--forward-queue",
            "Records held while the collector is unreachable; beyond this, new records are dropped and counted (shown at stop).", 10_000, 1, 10_000_000);
        return (forward, queue);
    }

    public static ForwardTarget? Target(string? value) =>
        value is not null && ForwardTarget.TryParse(value, out var t, out _) ? t : null;

    /// <summary>Stops the forwarder (draining for up to 2 s) and logs what it sent and dropped.</summary>
    public static void LogSummary(ILogger log, SyslogForwarder? forwarder)
    {
        if (forwarder is null)
        {
            return;
        }
        var f = forwarder.Stop(TimeSpan.FromSeconds(2));
        log.LogInformation("forward: {Records} records to {Target}: {Sent} sent, {Dropped} dropped ({Full} queue full, {Oversize} over {Max} bytes, {AtStop} unsent at stop), {Connects} connections in {Attempts} attempts, {Own} of n3ttrace's own records not forwarded",
            f.Records, forwarder.Target, f.Sent, f.Dropped, f.DroppedQueueFull, f.DroppedOversize, SyslogForwarder.MaxMessageBytes, f.DroppedAtStop, f.Connects, f.ConnectAttempts, f.OwnSkipped);
    }
}
