using System.Globalization;
using N3ttrace.EndToEnd.Tests.Scenarios;
using static N3ttrace.EndToEnd.Tests.Scenarios.ScenarioListener;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// The benign corpus: ordinary automation and users, driven by real daemons the test starts (cron, atd, supervisord,
/// sshd) and stopped by their PIDs even on failure. Every part talks to its own loopback listener, so each connection
/// has an expected purpose; every connection is expected NORMAL. Unit and process names are neutral.
/// </summary>
internal sealed class BenignCorpus(string work, string id)
{
    /// <summary>How long the service-like parts run; cron's first minute boundary bounds the run anyway.</summary>
    public const int Seconds = 60;

    private const string Py = "/usr/bin/python3";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(Seconds + 40);

    private readonly List<BenignPart> _parts = [];
    private readonly List<ScenarioListener> _listeners = [];
    private readonly List<string> _cgroups = [];
    private readonly List<string> _notes = [];

    public IReadOnlyList<BenignPart> Parts => _parts;
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>
    /// The collector n3ttrace's own syslog forwarding sends to (started before the tracer). Not a part: the kernel
    /// side never traces the tracer itself (issue 13), so no connection to it may be recorded.
    /// </summary>
    public ScenarioListener Forwarding()
    {
        var l = new ScenarioListener(Mode.Hold);
        lock (_parts)
        {
            _listeners.Add(l);
        }
        return l;
    }

    public Task RunAllAsync() => Task.WhenAll(
        Guard("cron", Cron), Guard("at", At), Guard("supervisor", Supervisor), Guard("ssh", Ssh), Guard("package managers", PackageManagers),
        Guard("tmux", Tmux), Guard("titles", TitleRewriters), Guard("nohup", Nohup), Guard("container", Container), Guard("telemetry", Telemetry));

    private const string PurposeUpdate = "update check";
    private const string PurposeTelemetry = "telemetry";
    private const string PurposeUser = "user action";
    private const string PurposeService = "background service";

    private ScenarioListener Listen(string partId, string name, string context, string purpose, Mode mode)
    {
        var l = new ScenarioListener(mode);
        lock (_parts)
        {
            _listeners.Add(l);
            _parts.Add(new BenignPart(partId, name, context, purpose, l.Port));
        }
        return l;
    }

    private void Expect(BenignPart part)
    {
        lock (_parts)
        {
            _parts.Add(part);
        }
    }

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(work, name)).FullName;

    private static string P(ScenarioListener l) => l.Port.ToString(CultureInfo.InvariantCulture);

    private string Unit(string relative)
    {
        var cg = Contexts.Cgroup(relative);
        lock (_cgroups)
        {
            _cgroups.Add(cg);
        }
        return cg;
    }

    private async Task Guard(string name, Func<Task> part)
    {
        try
        {
            await part();
        }
        catch (Exception e)
        {
            lock (_notes)
            {
                _notes.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    /// <summary>A real cron daemon (cron -f) with a crontab in /etc/cron.d whose jobs run curl, wget and a script.</summary>
    private async Task Cron()
    {
        var l = Listen("c01", "cron jobs: curl, wget, a script with curl", "cron -f, /etc/cron.d", PurposeService, Mode.Http);
        var dir = Dir("cron");
        var script = Path.Combine(dir, "job.sh");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\n/usr/bin/curl -s -o /dev/null http://127.0.0.1:{P(l)}/s1\n/usr/bin/curl -s -o /dev/null http://127.0.0.1:{P(l)}/s2\n");
        var crontab = $"/etc/cron.d/j{id}";
        await File.WriteAllTextAsync(crontab,
            $"* * * * * root /usr/bin/curl -s -o /dev/null http://127.0.0.1:{P(l)}/a\n" +
            $"* * * * * root /usr/bin/wget -q -O /dev/null -t 1 http://127.0.0.1:{P(l)}/b\n" +
            $"* * * * * root /bin/sh {script}\n");
        File.SetUnixFileMode(crontab, (UnixFileMode)0x1A4); // 0644: cron ignores writable crontabs
        using var cron = Contexts.Start(["/usr/sbin/cron", "-f"]);
        try
        {
            await Task.Delay(1000);
            if (cron.HasExited)
            {
                _notes.Add($"cron: our cron -f exited {cron.ExitCode} (another cron runs?); its jobs ran under that one");
            }
            await l.WaitAccepted(4, TimeSpan.FromSeconds(Seconds + 15));
            await Task.Delay(1000);
        }
        finally
        {
            File.Delete(crontab);
            if (!cron.HasExited)
            {
                cron.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>A real atd with two jobs queued by `at now`: curl and wget.</summary>
    private async Task At()
    {
        var l = Listen("j01", "at jobs: curl, wget", "atd -f, at now", PurposeService, Mode.Http);
        using var atd = Contexts.Start(["/usr/sbin/atd", "-f"]);
        try
        {
            await Task.Delay(500);
            foreach (var job in new[] { $"/usr/bin/curl -s -o /dev/null http://127.0.0.1:{P(l)}/at", $"/usr/bin/wget -q -O /dev/null -t 1 http://127.0.0.1:{P(l)}/at2" })
            {
                Assert.Equal(0, await Contexts.RunAsync(["/bin/sh", "-c", $"echo '{job}' | /usr/bin/at now 2>/dev/null"], TimeSpan.FromSeconds(10)));
            }
            await l.WaitAccepted(2, TimeSpan.FromSeconds(30));
            await Task.Delay(1000);
        }
        finally
        {
            if (!atd.HasExited)
            {
                atd.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>supervisord with a pool of three workers (a held database connection, API calls at random) and a health checker.</summary>
    private async Task Supervisor()
    {
        var db = Listen("s01", "supervised worker pool: database connections", "supervisord, numprocs=3", PurposeService, Mode.Hold);
        var api = Listen("s02", "supervised worker pool: API calls", "supervisord, numprocs=3", PurposeService, Mode.Http);
        // Periodic small requests from a service: the same shape as the metrics agent, so the same purpose (no payloads are read).
        var health = Listen("s03", "supervised health checker (sh loop of curl every 3 s)", "supervisord", PurposeTelemetry, Mode.Http);
        var dir = Dir("supervisor");
        var app = Path.Combine(dir, "app.py");
        await File.WriteAllTextAsync(app,
            "import socket,sys,time,random\ndb,api,secs=int(sys.argv[1]),int(sys.argv[2]),int(sys.argv[3])\n" +
            "conn=socket.create_connection(('127.0.0.1',db))\nend=time.time()+secs\n" +
            "while time.time()<end:\n s=socket.create_connection(('127.0.0.1',api)); s.sendall(b'GET /v1 HTTP/1.0\\r\\n\\r\\n'); s.recv(100); s.close()\n" +
            " time.sleep(random.expovariate(0.1))\nconn.close()\n");
        var probe = Path.Combine(dir, "probe.sh");
        await File.WriteAllTextAsync(probe, $"#!/bin/sh\nend=$(( $(date +%s) + {Seconds} ))\nwhile [ $(date +%s) -lt $end ]; do /usr/bin/curl -fs -o /dev/null http://127.0.0.1:$1/health; sleep 3; done\n");
        var conf = Path.Combine(dir, "supervisord.conf");
        await File.WriteAllTextAsync(conf, $"""
            [supervisord]
            nodaemon=true
            user=root
            logfile={dir}/supervisord.log
            pidfile={dir}/supervisord.pid
            childlogdir={dir}

            [program:app]
            command={Py} {app} {P(db)} {P(api)} {Seconds}
            process_name=%(program_name)s_%(process_num)02d
            numprocs=3
            startsecs=0
            autorestart=false

            [program:probe]
            command=/bin/sh {probe} {P(health)}
            startsecs=0
            autorestart=false

            """);
        var unit = Unit($"system.slice/pool-{id}.service");
        using var supervisord = Contexts.Start(Contexts.InCgroup(unit, "/usr/bin/supervisord", "-n", "-c", conf));
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(Seconds + 3));
        }
        finally
        {
            supervisord.Kill(entireProcessTree: true);
            await supervisord.WaitForExitAsync();
        }
    }

    /// <summary>A real sshd (PAM, key login) on loopback: a user's remote command (which itself fetches), git clone and rsync over ssh, no tty.</summary>
    private async Task Ssh()
    {
        var remote = Listen("h02", "remote commands over ssh run curl (under sshd, no tty)", "sshd session (PAM)", PurposeUser, Mode.Http);
        var dir = Dir("ssh");
        await using var sshd = await Sshd.StartAsync(Path.Combine(dir, "server"), pam: true);
        Expect(new BenignPart("h01", "ssh client: remote command, git clone, rsync (no tty)", "user's script, loginuid 1000", PurposeUser, sshd.Port));
        string[] Ssh(params string[] rest) => Contexts.WithLoginUid(1000, ["/usr/bin/ssh", .. sshd.ClientArgs, "root@127.0.0.1", .. rest]);
        for (var i = 0; i < 3; i++)
        {
            await Contexts.RunAsync(Ssh($"uname -a; /usr/bin/curl -s -o /dev/null http://127.0.0.1:{P(remote)}/r{i}"), TimeSpan.FromSeconds(30), dir);
        }

        var repo = Path.Combine(dir, "repo.git");
        var src = Dir("ssh/src");
        await File.WriteAllTextAsync(Path.Combine(src, "README"), "hello\n");
        Assert.Equal(0, await Contexts.RunAsync(["/bin/sh", "-c",
            $"git init -q --bare {repo} && cd {src} && git init -q && git add README && " +
            $"git -c user.name=u -c user.email=u@example.invalid commit -qm init && git push -q {repo} HEAD:refs/heads/main"], TimeSpan.FromSeconds(30), dir));
        await Contexts.RunAsync(Contexts.WithLoginUid(1000, "/usr/bin/env", $"GIT_SSH_COMMAND={sshd.ClientCommand}",
            "/usr/bin/git", "clone", "-q", $"root@127.0.0.1:{repo}", Path.Combine(dir, "clone")), TimeSpan.FromSeconds(30), dir);
        await Contexts.RunAsync(Contexts.WithLoginUid(1000, "/usr/bin/rsync", "-a", "-e", sshd.ClientCommand, src + "/", $"root@127.0.0.1:{dir}/copy/"),
            TimeSpan.FromSeconds(30), dir);
    }

    /// <summary>apt-get update, npm view and pip download against loopback repositories, from a root shell without a terminal.</summary>
    private async Task PackageManagers()
    {
        var aptRepo = Listen("p01", "apt-get update", "root, no tty", PurposeUpdate, Mode.Http);
        var npmRepo = Listen("p02", "npm view left-pad version", "root, no tty", PurposeUpdate, Mode.Http);
        var pipRepo = Listen("p03", "pip download", "root, no tty", PurposeUpdate, Mode.Http);
        var apt = Dir("apt");
        foreach (var d in new[] { "lists/partial", "cache/archives/partial", "parts" })
        {
            Directory.CreateDirectory(Path.Combine(apt, d));
        }
        await File.WriteAllTextAsync(Path.Combine(apt, "sources.list"), $"deb http://127.0.0.1:{P(aptRepo)}/debian bookworm main\n");
        await Contexts.RunAsync(["/usr/bin/apt-get", "-q",
            "-o", $"Dir::Etc::sourcelist={apt}/sources.list", "-o", $"Dir::Etc::sourceparts={apt}/parts",
            "-o", $"Dir::State::Lists={apt}/lists", "-o", $"Dir::Cache={apt}/cache", "-o", "Debug::NoLocking=1",
            "-o", "APT::Sandbox::User=root", "-o", "Acquire::Retries=0", "update"], TimeSpan.FromSeconds(40), apt);
        var npm = Dir("npm");
        await Contexts.RunAsync(["/usr/bin/npm", "view", "left-pad", "version", "--registry", $"http://127.0.0.1:{P(npmRepo)}/",
            "--cache", Path.Combine(npm, "cache"), "--fetch-retries", "0", "--no-update-notifier"], TimeSpan.FromSeconds(60), npm);
        var pip = Dir("pip");
        await Contexts.RunAsync([Py, "-m", "pip", "download", "--no-deps", "--no-cache-dir", "--retries", "0", "--timeout", "5",
            "--index-url", $"http://127.0.0.1:{P(pipRepo)}/simple/", "-d", pip, "left-pad"], TimeSpan.FromSeconds(60), pip);
    }

    /// <summary>A logged-in user in a real terminal (tmux) running curl a few times.</summary>
    private async Task Tmux()
    {
        var l = Listen("u01", "user in tmux runs curl", "tmux pty, loginuid 1000", PurposeUser, Mode.Http);
        var socket = Path.Combine(Dir("tmux"), "tmux.sock");
        try
        {
            await Contexts.TmuxAsync(socket,
                $"sh -c 'echo 1000 > /proc/self/loginuid; for i in 1 2 3; do curl -s -o /dev/null http://127.0.0.1:{P(l)}/u$i; sleep 2; done'",
                TimeSpan.FromSeconds(30));
        }
        finally
        {
            await Contexts.KillTmuxAsync(socket);
        }
    }

    /// <summary>Processes that rewrite their titles: a node service (process.title) and an nginx-like master with workers.</summary>
    private async Task TitleRewriters()
    {
        var api = Listen("r01", "node service with process.title, API calls at random", "unit cgroup", PurposeService, Mode.Http);
        var upstream = Listen("r02", "nginx-like workers (prctl + argv rewrite) hold upstream connections", "unit cgroup", PurposeService, Mode.Hold);
        var node = Contexts.RunAsync(Contexts.InCgroup(Unit($"system.slice/gateway-{id}.service"), "/usr/bin/node", "-e",
            "process.title='gateway: serving';const h=require('http');const end=Date.now()+" + (Seconds * 1000).ToString(CultureInfo.InvariantCulture) + ";" +
            $"const t=()=>{{if(Date.now()>end)return;h.get('http://127.0.0.1:{P(api)}/q',r=>r.resume()).on('error',()=>{{}});setTimeout(t,1000+Math.random()*4000);}};t();"),
            Timeout);
        var prefix = $"/opt/edge-{id}";
        Directory.CreateDirectory(prefix + "/sbin");
        try
        {
            await File.WriteAllTextAsync(prefix + "/edge.c", EdgeServer.Source);
            Assert.Equal(0, await Contexts.RunAsync(["/usr/bin/gcc", "-O1", "-o", prefix + "/sbin/edge", prefix + "/edge.c"], TimeSpan.FromSeconds(60)));
            await Contexts.RunAsync(Contexts.InCgroup(Unit($"system.slice/edge-{id}.service"), prefix + "/sbin/edge", P(upstream),
                (Seconds / 2).ToString(CultureInfo.InvariantCulture), "-c", prefix + "/conf/edge.conf"), Timeout);
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
        await node;
    }

    /// <summary>A user's nohup'd deploy script: the launching shell exits at once; the script later fetches with curl and wget.</summary>
    private async Task Nohup()
    {
        var l = Listen("n01", "nohup'd deploy script, launching shell gone: curl x3 and wget", "loginuid 1000, no tty", PurposeUser, Mode.Http);
        var dir = Dir("deploy");
        var script = Path.Combine(dir, "deploy.sh");
        await File.WriteAllTextAsync(script,
            $"#!/bin/sh\nsleep 1\nfor f in release.tar.gz checksums config.tar.gz; do /usr/bin/curl -s -o /dev/null http://127.0.0.1:{P(l)}/$f; done\n" +
            $"/usr/bin/wget -q -O /dev/null -t 1 http://127.0.0.1:{P(l)}/manifest\n");
        await Contexts.RunAsync(Contexts.WithLoginUid(1000, "/bin/bash", "-c", $"nohup /bin/sh {script} > {dir}/deploy.log 2>&1 & exit 0"), TimeSpan.FromSeconds(10), dir);
        await l.WaitAccepted(4, TimeSpan.FromSeconds(30));
        await Task.Delay(500);
    }

    /// <summary>A container-like process: own pid, mount, uts and ipc namespaces (unshare), an entrypoint shell that fetches its config, then the app.</summary>
    private async Task Container()
    {
        var config = Listen("k01", "container entrypoint shell fetches its config (curl x2)", "unshare namespaces, scope cgroup", PurposeService, Mode.Http);
        var db = Listen("k02", "container app holds a database connection", "unshare namespaces, scope cgroup", PurposeService, Mode.Hold);
        var dir = Dir("container");
        var entry = Path.Combine(dir, "entrypoint.sh");
        await File.WriteAllTextAsync(entry,
            $"#!/bin/sh\nfor f in config env; do /usr/bin/curl -s -o /dev/null http://127.0.0.1:{P(config)}/$f; done\n" +
            $"exec {Py} -c \"import socket,time; s=socket.create_connection(('127.0.0.1',{P(db)})); time.sleep(8)\"\n");
        await Contexts.RunAsync(Contexts.InCgroup(Unit($"system.slice/ctr-{id}.scope"), "/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "--uts", "--ipc",
            "--mount", "/bin/sh", entry), TimeSpan.FromSeconds(40), dir);
    }

    /// <summary>A telemetry agent in its own unit: a small POST every 2 s +-10%.</summary>
    private async Task Telemetry()
    {
        var l = Listen("m01", "metrics agent: small POST every 2 s +-10%", "unit cgroup", PurposeTelemetry, Mode.Http);
        await Contexts.RunAsync(Contexts.InCgroup(Unit($"system.slice/sidecar-{id}.service"), Py, "-c",
            "import socket,sys,time,random\nend=time.time()+int(sys.argv[2])\n" +
            "while time.time()<end:\n s=socket.create_connection(('127.0.0.1',int(sys.argv[1]))); s.sendall(b'POST /m HTTP/1.0\\r\\n\\r\\n'); s.recv(100); s.close()\n" +
            " time.sleep(2*random.uniform(0.9,1.1))\n", P(l), Seconds.ToString(CultureInfo.InvariantCulture)), Timeout);
    }

    public void Cleanup()
    {
        _listeners.ForEach(l => l.Dispose());
        _cgroups.ForEach(Contexts.RemoveCgroup);
    }
}
