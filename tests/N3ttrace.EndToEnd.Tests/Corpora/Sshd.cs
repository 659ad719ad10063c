using System.Diagnostics;
using System.Globalization;
using N3ttrace.EndToEnd.Tests.Scenarios;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// A real OpenSSH server on loopback: its own port, its own host key, key login for root from a key made here,
/// started in the foreground (-D) and stopped by its PID even when a test fails.
/// </summary>
internal sealed class Sshd : IAsyncDisposable
{
    private readonly Process _process;

    public int Port { get; }
    public string PortText => Port.ToString(CultureInfo.InvariantCulture);
    public string ClientKey { get; }

    private Sshd(Process process, int port, string clientKey) => (_process, Port, ClientKey) = (process, port, clientKey);

    /// <summary>ssh client options for this server (no tty, no host-key prompt, key only).</summary>
    public string[] ClientArgs => ["-i", ClientKey, "-p", PortText, "-T", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ExitOnForwardFailure=yes"];

    /// <summary>The same as one string, for GIT_SSH_COMMAND or rsync -e.</summary>
    public string ClientCommand => "ssh " + string.Join(' ', ClientArgs);

    /// <param name="pam">Log in through PAM (pam_loginuid gives the session a login uid, as on a real host).</param>
    public static async Task<Sshd> StartAsync(string dir, bool pam = false)
    {
        Directory.CreateDirectory(dir);
        var hostKey = Path.Combine(dir, "host_ed25519");
        var clientKey = Path.Combine(dir, "client_ed25519");
        foreach (var key in new[] { hostKey, clientKey })
        {
            Assert.Equal(0, await Contexts.RunAsync(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], TimeSpan.FromSeconds(20)));
        }
        File.Copy(clientKey + ".pub", Path.Combine(dir, "authorized_keys"));
        Directory.CreateDirectory("/run/sshd"); // privilege separation directory; the package makes it only at boot
        var port = ScenarioEnv.FreePort();
        var config = Path.Combine(dir, "sshd_config");
        File.WriteAllText(config, $"""
            Port {port}
            ListenAddress 127.0.0.1
            HostKey {hostKey}
            PidFile {Path.Combine(dir, "sshd.pid")}
            AuthorizedKeysFile {Path.Combine(dir, "authorized_keys")}
            StrictModes no
            UsePAM {(pam ? "yes" : "no")}
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            AllowTcpForwarding yes
            GatewayPorts no
            Subsystem sftp internal-sftp

            """);
        var process = Contexts.Start(["/usr/sbin/sshd", "-D", "-e", "-f", config]);
        var sshd = new Sshd(process, port, clientKey);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return sshd;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
            catch
            {
                await sshd.DisposeAsync();
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
