using System.Globalization;
using System.Net;
using System.Net.Sockets;
using N3ttrace.EndToEnd.Tests.Scenarios;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>What a scenario gets: its listener, a private directory, and the list of ports it is judged on.</summary>
internal sealed class ScenarioEnv(ScenarioListener listener, string dir)
{
    public ScenarioListener Listener => listener;
    public int Port => listener.Port;

    /// <summary>The listener's port as text, for command lines.</summary>
    public string P => Port.ToString(CultureInfo.InvariantCulture);

    public string Dir => dir;

    /// <summary>Connections to these remote ports belong to the scenario.</summary>
    public List<int> JudgedPorts { get; } = [listener.Port];

    public string File(string name) => System.IO.Path.Combine(dir, name);

    /// <summary>A loopback port free right now, for a relay's or tunnel's inbound side.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Connects to a relay's inbound port (retrying while it starts), sends a line, holds, closes.</summary>
    public static async Task DriveAsync(int port, TimeSpan hold, TimeSpan startTimeout)
    {
        var deadline = DateTime.UtcNow + startTimeout;
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                await c.GetStream().WriteAsync("hello\n"u8.ToArray());
                await Task.Delay(hold);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
