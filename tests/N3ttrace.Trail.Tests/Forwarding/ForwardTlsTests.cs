using N3ttrace.Trail.Forwarding;

namespace N3ttrace.Core.Tests.Forwarding;

/// <summary>syslog+tls options: a target that parses, and files that cannot be used refused at start with one line naming them.</summary>
public sealed class ForwardTlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("n3t-tls-").FullName;

    [Fact]
    public void Parses_a_tls_target()
    {
        Assert.True(ForwardTarget.TryParse("syslog+tls://collector.example:6514", out var t, out var error), error);
        Assert.Equal(new ForwardTarget(SyslogTransportKind.Tls, "collector.example", 6514), t);
        Assert.Equal("syslog+tls://collector.example:6514", t!.ToString());
        Assert.Equal("syslog+tls://[::1]:6514", new ForwardTarget(SyslogTransportKind.Tls, "::1", 6514).ToString());
    }

    [Fact]
    public void No_files_is_the_system_trust_store()
    {
        var tls = ForwardTls.Load(null, null, null);
        Assert.Same(ForwardTls.SystemTrust, tls);
        var o = tls.ClientOptions("127.0.0.1");
        Assert.Equal("127.0.0.1", o.TargetHost);
        Assert.Null(o.CertificateChainPolicy);
        Assert.Null(o.ClientCertificateContext);
    }

    [Fact]
    public void Missing_empty_garbage_and_unpaired_files_are_one_line_errors_naming_the_option()
    {
        var missing = Path.Combine(_dir, "absent.pem");
        var garbage = Path.Combine(_dir, "garbage.pem");
        File.WriteAllText(garbage, "not a certificate\n");
        var bad = Path.Combine(_dir, "bad.pem");
        File.WriteAllText(bad, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        AssertError(() => ForwardTls.Load(missing, null, null), "--forward-ca", missing, "no such file");
        AssertError(() => ForwardTls.Load("", null, null), "--forward-ca", "", "not a usable path");
        AssertError(() => ForwardTls.Load(_dir, null, null), "--forward-ca", _dir, "");
        AssertError(() => ForwardTls.Load(garbage, null, null), "--forward-ca", garbage, "no PEM certificate");
        AssertError(() => ForwardTls.Load(bad, null, null), "--forward-ca", bad, "");
        AssertError(() => ForwardTls.Load(null, garbage, null), "--forward-cert", "--forward-key", "go together");
        AssertError(() => ForwardTls.Load(null, null, garbage), "--forward-cert", "--forward-key", "go together");
        AssertError(() => ForwardTls.Load(null, missing, garbage), "--forward-cert", missing, "no such file");
        AssertError(() => ForwardTls.Load(null, garbage, garbage), "--forward-cert", garbage, "not a PEM certificate");
    }

    [Fact]
    public void An_oversized_file_is_not_read()
    {
        var big = Path.Combine(_dir, "big.pem");
        using (var f = File.Create(big))
        {
            f.SetLength(ForwardTls.MaxPemBytes + 1);
        }
        AssertError(() => ForwardTls.Load(big, null, null), "--forward-ca", big, "larger than");
    }

    private static void AssertError(Func<ForwardTls> load, string a, string b, string c)
    {
        var e = Assert.Throws<ForwardTlsException>(() => load());
        Assert.Contains(a, e.Message, StringComparison.Ordinal);
        Assert.Contains(b, e.Message, StringComparison.Ordinal);
        Assert.Contains(c, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
