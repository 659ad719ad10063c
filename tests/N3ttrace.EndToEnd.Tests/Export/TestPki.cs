using System.Diagnostics;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>
/// A throwaway certificate authority made with the openssl command in a temporary directory: the CA, a server
/// certificate for the given subject alternative names and a client certificate (for mutual TLS), all PEM, P-256.
/// </summary>
internal sealed class TestPki : IDisposable
{
    public string Dir { get; }
    public string CaCert => Path.Combine(Dir, "ca.pem");
    public string ServerCert => Path.Combine(Dir, "server.pem");
    public string ServerKey => Path.Combine(Dir, "server.key");
    public string ClientCert => Path.Combine(Dir, "client.pem");
    public string ClientKey => Path.Combine(Dir, "client.key");

    /// <param name="serverNames">subjectAltName of the server certificate, e.g. "IP:127.0.0.1".</param>
    public TestPki(string serverNames)
    {
        Dir = Directory.CreateTempSubdirectory("n3t-pki-").FullName;
        OpenSsl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=n3ttrace test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Leaf("server", $"subjectAltName={serverNames}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
        Leaf("client", "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");
    }

    private void Leaf(string name, string extensions)
    {
        File.WriteAllText(Path.Combine(Dir, $"{name}.ext"), extensions);
        OpenSsl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", $"{name}.key", "-out", $"{name}.csr", "-subj", $"/CN=n3ttrace test {name}");
        OpenSsl("x509", "-req", "-in", $"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", $"{name}.ext", "-out", $"{name}.pem");
    }

    private void OpenSsl(params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/openssl") { WorkingDirectory = Dir, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"openssl {string.Join(' ', args)} failed: {stderr.Result}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
