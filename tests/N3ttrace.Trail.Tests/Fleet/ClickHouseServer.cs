using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using N3ttrace.Trail.Fleet;

namespace N3ttrace.Core.Tests.Fleet;

/// <summary>
/// A real ClickHouse (Debian's clickhouse-server, 18.16 here) of the test's own: a temporary directory with its config,
/// data and logs, free loopback ports, started as a child process and killed by its PID (never the system service).
/// Stop and Start again keep the data (an outage). Dispose kills it and removes the directory, also after a failure.
/// </summary>
public sealed class ClickHouseServer : IDisposable
{
    public const string Binary = "/usr/sbin/clickhouse-server";

    private Process? _process;

    public string Dir { get; } = Directory.CreateTempSubdirectory("n3t-clickhouse-").FullName;
    public int HttpPort { get; }
    public int TcpPort { get; }
    public string Url(string db = "n3ttrace") => $"clickhouse://127.0.0.1:{HttpPort}/{db}";
    public ClickHouseTarget Target(string db = "n3ttrace") => ClickHouseTarget.Parse(Url(db));

    public ClickHouseServer()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: apt-get install clickhouse-server clickhouse-client (make deps does)");
        }
        HttpPort = FreePort();
        TcpPort = FreePort();
        File.WriteAllText(Path.Combine(Dir, "config.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><log>{Dir}/server.log</log><errorlog>{Dir}/error.log</errorlog><console>0</console></logger>
              <http_port>{HttpPort}</http_port>
              <tcp_port>{TcpPort}</tcp_port>
              <listen_host>127.0.0.1</listen_host>
              <path>{Dir}/data/</path>
              <tmp_path>{Dir}/tmp/</tmp_path>
              <user_files_path>{Dir}/user_files/</user_files_path>
              <format_schema_path>{Dir}/format_schemas/</format_schema_path>
              <mark_cache_size>53687091</mark_cache_size>
              <max_concurrent_queries>50</max_concurrent_queries>
              <users_config>users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <timezone>UTC</timezone>
              <remote_servers>
                <n3t_one_shard><shard><replica><host>127.0.0.1</host><port>{TcpPort}</port></replica></shard></n3t_one_shard>
              </remote_servers>
            </yandex>
            """);
        File.WriteAllText(Path.Combine(Dir, "users.xml"), """
            <?xml version="1.0"?>
            <yandex>
              <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
              <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
              <quotas><default></default></quotas>
            </yandex>
            """);
        try
        {
            Start();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Start()
    {
        var psi = new ProcessStartInfo(Binary, ["--config-file=" + Path.Combine(Dir, "config.xml")])
        {
            WorkingDirectory = Dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("clickhouse-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var client = new ClickHouseClient(Target("default"), TimeSpan.FromSeconds(2));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                if (client.Execute("SELECT 1").Trim() == "1")
                {
                    return;
                }
            }
            catch (ClickHouseException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                Thread.Sleep(100);
                continue;
            }
            catch (ClickHouseException e)
            {
                var log = File.Exists(Path.Combine(Dir, "error.log")) ? File.ReadAllText(Path.Combine(Dir, "error.log")) : "";
                throw new InvalidOperationException($"clickhouse-server did not answer on {HttpPort}: {e.Message}\n{log[Math.Max(0, log.Length - 2000)..]}");
            }
        }
    }

    /// <summary>Kills the server by its PID and waits for it (an outage, or the end).</summary>
    public void Stop()
    {
        if (_process is { } p)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill();
                    p.WaitForExit(30_000);
                }
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
            _process = null;
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
