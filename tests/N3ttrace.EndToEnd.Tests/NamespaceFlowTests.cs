using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using N3ttrace.Lineage;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>
/// [flows] A process in a network namespace of its own (unshare -n, an address that exists only in there) and in a
/// docker-like cgroup (a directory the test makes under the cgroup v2 root) connects over TCP and UDP: every record has
/// its certificate, the namespace's inode and the container id. The real kernel, the real hooks.
/// </summary>
public class NamespaceFlowTests
{
    private const string Py = "/usr/bin/python3";

    [BpfFact]
    public async Task Flows_made_inside_another_network_namespace_and_a_container_cgroup_are_attributed_with_netns_and_container()
    {
        var root = CgroupRoot();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var docker = Path.Combine(root, "docker");
        var createdDocker = !Directory.Exists(docker);
        var cgroup = Path.Combine(docker, id);
        Directory.CreateDirectory(cgroup);
        var address = $"10.{RandomNumberGenerator.GetInt32(200, 250)}.{RandomNumberGenerator.GetInt32(1, 250)}.7";
        var marker = $"m-{Guid.NewGuid():N}";
        var dir = Directory.CreateTempSubdirectory("n3t-ns-").FullName;
        var script = Path.Combine(dir, "worker.py");
        File.WriteAllText(script,
            "import os, socket, sys\n" +
            "a = sys.argv[2]\n" +
            "srv = socket.socket(); srv.bind((a, 0)); srv.listen(8)\n" +
            "c = socket.create_connection((a, srv.getsockname()[1])); peer, _ = srv.accept()\n" +
            "rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); rx.bind((a, 0)); port = rx.getsockname()[1]\n" +
            "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n" +
            "for k in range(3):\n    u.sendto(b'x', (a, port))\n" +
            "cu = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); cu.connect((a, port))\n" +
            "for k in range(3):\n    cu.send(b'y')\n" +
            "print(os.readlink('/proc/self/ns/net'), port, flush=True)\n" +
            "sys.stdin.readline()\n" +
            "for s in (c, peer, srv, u, cu, rx):\n    s.close()\n" +
            "print('closed', flush=True)\n" +
            "sys.stdin.readline()\n");
        Process? child = null;
        try
        {
            await using var tracer = await Tracer.StartAsync();
            // The shell joins the cgroup, then becomes (exec, same pid) a process in a new network namespace whose
            // loopback carries an address no other namespace has, then the neutrally named python worker.
            var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"echo $$ > '{cgroup}/cgroup.procs' && exec unshare -n /bin/sh -c " +
                $"'ip link set lo up && ip addr add {address}/32 dev lo && exec {Py} {script} {marker} {address}'");
            child = Process.Start(psi)!;
            var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (line is null)
            {
                Assert.Fail($"the worker said nothing: {await child.StandardError.ReadToEndAsync()}");
            }
            var said = line.Split(' ');
            // The namespace as the kernel names it, read from outside: net:[INODE].
            var link = new FileInfo($"/proc/{child.Id}/ns/net").LinkTarget!;
            Assert.Equal(said[0], link);
            var netns = link["net:[".Length..^1];
            Assert.NotEqual(new FileInfo("/proc/self/ns/net").LinkTarget, link);
            var udpPort = said[1];
            var startTicks = ulong.Parse(File.ReadAllText($"/proc/{child.Id}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[19], CultureInfo.InvariantCulture);
            await child.StandardInput.WriteLineAsync();
            Assert.Equal("closed", await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));
            await Task.Delay(1500); // the drain runs every few ms, the ring is read on a timer
            await child.StandardInput.WriteLineAsync();
            await child.WaitForExitAsync();
            Assert.Equal(0, await tracer.StopAsync());

            var bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
            var processId = new ProcessIdentity(bootId).ProcessId(new ProcessKey(child.Id, startTicks));
            var pid = child.Id.ToString(CultureInfo.InvariantCulture);
            var rows = tracer.BirthRecords().Where(r => r["pid"] == pid).ToList();
            Assert.All(rows, r =>
            {
                Assert.Equal(processId, r["process_id"]);
                Assert.Equal($"{Py} {script} {marker} {address}", r["cmdline"]);
                Assert.Equal("python3", r["comm"]);
                Assert.Equal($"/docker/{id}", r["cgroup"]);
                Assert.Equal($"docker:{id}", r["container"]);
                Assert.Equal(netns, r["netns"]);
            });
            Assert.All(rows.Where(r => r["direction"] != "listen"), r => Assert.Equal("private", r["remote_scope"]));
            var tcp = Assert.Single(rows, r => r["proto"] == "tcp" && r["direction"] == "outbound");
            Assert.StartsWith($"{address}:", tcp["local"], StringComparison.Ordinal);
            Assert.Single(rows, r => r["proto"] == "tcp" && r["direction"] == "listen");
            Assert.Single(rows, r => r["proto"] == "tcp" && r["direction"] == "inbound");
            // Two UDP flows to the receiver: the unconnected socket's (cgroup/sendmsg4) and the connected one's (sock_send_length).
            var udp = rows.Where(r => r["proto"] == "udp").ToList();
            Assert.Equal(2, udp.Count);
            Assert.All(udp, r => Assert.Equal(udpPort, r["rport"]));
            Assert.Equal(5, rows.Count);
        }
        finally
        {
            if (child is { HasExited: false })
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }
            child?.Dispose();
            // The namespace ends with its last process; the cgroup is removed once empty.
            for (var i = 0; i < 50 && Directory.Exists(cgroup); i++)
            {
                try
                {
                    Directory.Delete(cgroup);
                }
                catch (IOException)
                {
                    await Task.Delay(100);
                }
            }
            if (createdDocker)
            {
                try
                {
                    Directory.Delete(docker);
                }
                catch (IOException)
                {
                }
            }
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The cgroup v2 mount point, from the mount table (never assumed: here it is /sys/fs/cgroup/unified).</summary>
    private static string CgroupRoot()
    {
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
            var dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash > 0 && line[(dash + 3)..].StartsWith("cgroup2 ", StringComparison.Ordinal))
            {
                return line.Split(' ')[4];
            }
        }
        throw new InvalidOperationException("no cgroup2 mount in /proc/self/mountinfo");
    }
}
