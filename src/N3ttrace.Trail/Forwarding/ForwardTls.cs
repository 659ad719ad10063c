using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace N3ttrace.Trail.Forwarding;

/// <summary>
/// What a syslog+tls forwarder trusts and shows (RFC 5425): the CA bundle that must have issued the collector's
/// certificate (none: the system trust store) and, for mutual TLS, a client certificate with its key, all PEM.
/// Loaded once at start, so a bad path or a broken file stops `run` with one line instead of failing at the
/// first connect. The collector's name (or IP address) is always checked against its certificate.
/// </summary>
public sealed class ForwardTls : IDisposable
{
    /// <summary>Largest PEM file read (a full system bundle is about 200 KiB).</summary>
    public const long MaxPemBytes = 4 * 1024 * 1024;

    private readonly X509Certificate2Collection? _trusted;
    private readonly X509Certificate2? _client;
    private readonly X509Certificate2Collection _clientChain;
    private readonly SslStreamCertificateContext? _clientContext;

    private ForwardTls(X509Certificate2Collection? trusted, X509Certificate2? client, X509Certificate2Collection clientChain)
    {
        _trusted = trusted;
        _client = client;
        _clientChain = clientChain;
        _clientContext = client is null ? null : SslStreamCertificateContext.Create(client, clientChain, offline: true);
    }

    /// <summary>The system trust store, no client certificate.</summary>
    public static ForwardTls SystemTrust { get; } = new(null, null, []);

    public int TrustedCount => _trusted?.Count ?? 0;

    public string? ClientSubject => _client?.Subject;

    /// <summary>Reads the files; throws <see cref="ForwardTlsException"/> with a one-line reason naming the option and file.</summary>
    public static ForwardTls Load(string? caFile, string? certFile, string? keyFile)
    {
        if ((certFile is null) != (keyFile is null))
        {
            throw new ForwardTlsException("--forward-cert and --forward-key go together (the client certificate and its private key, PEM)");
        }
        X509Certificate2Collection? trusted = null;
        if (caFile is not null)
        {
            trusted = [];
            try
            {
                trusted.ImportFromPem(ReadPem("--forward-ca", caFile));
            }
            catch (CryptographicException e)
            {
                throw new ForwardTlsException($"--forward-ca {caFile}: not a PEM certificate bundle ({e.Message.TrimEnd('.')})");
            }
            if (trusted.Count == 0)
            {
                throw new ForwardTlsException($"--forward-ca {caFile}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
            }
        }
        if (certFile is null)
        {
            return trusted is null ? SystemTrust : new ForwardTls(trusted, null, []);
        }
        var certPem = ReadPem("--forward-cert", certFile);
        var keyPem = ReadPem("--forward-key", keyFile!);
        X509Certificate2 client;
        X509Certificate2Collection chain = [];
        try
        {
            client = X509Certificate2.CreateFromPem(certPem, keyPem);
            // Certificates after the first are its intermediates, sent along so the collector can build the chain.
            chain.ImportFromPem(certPem);
            chain.RemoveAt(0);
        }
        catch (CryptographicException e)
        {
            throw new ForwardTlsException($"--forward-cert {certFile} / --forward-key {keyFile}: not a PEM certificate and its unencrypted private key ({e.Message.TrimEnd('.')})");
        }
        return new ForwardTls(trusted, client, chain);
    }

    /// <summary>Options for one handshake with <paramref name="host"/> (a name or an IP address, both verified).</summary>
    public SslClientAuthenticationOptions ClientOptions(string host)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            // RFC 5425 as updated by RFC 9662: TLS 1.2 or later.
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            // A collector on a closed network has no revocation endpoint to reach; an online check would stall each connect.
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ClientCertificateContext = _clientContext,
        };
        if (_trusted is not null)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(_trusted);
            options.CertificateChainPolicy = policy;
        }
        return options;
    }

    private static string ReadPem(string option, string path)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            if (f.Length > MaxPemBytes)
            {
                throw new ForwardTlsException($"{option} {path}: larger than {MaxPemBytes / (1024 * 1024)} MiB, not a PEM file");
            }
            using var r = new StreamReader(f);
            return r.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            throw new ForwardTlsException($"{option} {path}: no such file");
        }
        catch (DirectoryNotFoundException)
        {
            throw new ForwardTlsException($"{option} {path}: no such file");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ForwardTlsException($"{option} {path}: permission denied, or a directory");
        }
        catch (IOException e)
        {
            throw new ForwardTlsException($"{option} {path}: cannot read ({e.Message.TrimEnd('.')})");
        }
        catch (ArgumentException)
        {
            throw new ForwardTlsException($"{option}: not a usable path");
        }
    }

    public void Dispose()
    {
        if (ReferenceEquals(this, SystemTrust))
        {
            return;
        }
        _client?.Dispose();
        foreach (var c in _clientChain)
        {
            c.Dispose();
        }
        foreach (var c in _trusted ?? [])
        {
            c.Dispose();
        }
    }
}
