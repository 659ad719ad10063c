using System.CommandLine;
using Microsoft.Extensions.Logging;
using N3ttrace.Trail.Forwarding;

namespace N3ttrace.Cli.Commands;

/// <summary>`run --forward URL --forward-queue N [--forward-ca FILE] [--forward-cert FILE --forward-key FILE]`: fleet forwarding to a syslog collector.</summary>
internal static class ForwardOptions
{
    public static (Option<string?> Forward, Option<int> Queue, Option<string?> Ca, Option<string?> Cert, Option<string?> Key) Create()
    {
        var forward = new Option<string?>("--forward")
        {
            Description = "Also send every record (birth, fail, death, level change) to a syslog collector: syslog+tls://HOST:PORT " +
                "(RFC 5425: TLS, the collector's certificate and name verified), syslog+tcp://HOST:PORT (RFC 5424, octet-counted framing, " +
                "in the clear) or syslog+udp://HOST:PORT, with the key fields as structured data and the record as a JSON body. " +
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
        var ca = new Option<string?>("--forward-ca")
        {
            Description = "syslog+tls: PEM bundle of the CA certificates that may have issued the collector's certificate. Default: the system trust store.",
        };
        var cert = new Option<string?>("--forward-cert")
        {
            Description = "syslog+tls: PEM client certificate (then any intermediates) shown to a collector that asks for one (mutual TLS); needs --forward-key.",
        };
        var key = new Option<string?>("--forward-key")
        {
            Description = "syslog+tls: the unencrypted PEM private key of --forward-cert (keep it 0600).",
        };
        return (forward, queue, ca, cert, key);
    }

    /// <summary>
    /// The TLS settings, read before capture starts; false after printing a one-line reason (a usage error: exit 2).
    /// Null settings for a plain TCP or UDP target.
    /// </summary>
    public static bool TryLoadTls(ForwardTarget? target, string? ca, string? cert, string? key, out ForwardTls? tls)
    {
        tls = null;
        // An empty value (N3TTRACE_FORWARD_CA= or forward-ca = "") means none, as for --log-file.
        ca = ca is { Length: 0 } ? null : ca;
        cert = cert is { Length: 0 } ? null : cert;
        key = key is { Length: 0 } ? null : key;
        if (target is not { Transport: SyslogTransportKind.Tls })
        {
            if (ca is null && cert is null && key is null)
            {
                return true;
            }
            Console.Error.WriteLine("n3ttrace: --forward-ca, --forward-cert and --forward-key apply only to --forward syslog+tls://HOST:PORT");
            return false;
        }
        try
        {
            tls = ForwardTls.Load(ca, cert, key);
            if (key is not null && Interop.FileFacts.Of(key) is { IsRegular: true } k && (k.Mode & 0x3F) != 0)
            {
                // Not refused (the operator may have reasons), but said: whoever reads the key can pose as this host.
                Console.Error.WriteLine($"n3ttrace: warning: --forward-key {Text.TextEscaper.Escape(key)} is open to group or others (mode {Convert.ToString(k.Mode, 8)}); chmod 600 it");
            }
            return true;
        }
        catch (ForwardTlsException e)
        {
            Console.Error.WriteLine($"n3ttrace: {Text.TextEscaper.Escape(e.Message)}");
            return false;
        }
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
