using System.Globalization;
using N3ttrace.EndToEnd.Tests.Scenarios;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// Runs a set of attack scenarios concurrently under one real `n3ttrace run` on the shipped default rules (no
/// --rules), then judges each from the trail and runs `explain` for every miss before the trail is deleted.
/// </summary>
internal static class AttackCorpusRunner
{
    // Enough at once to finish the corpus in about a minute, few enough that a loaded 2-core machine keeps up.
    private const int Concurrency = 12;

    public static async Task<IReadOnlyList<AttackOutcome>> RunAsync(IReadOnlyList<AttackScenario> scenarios)
    {
        var work = Directory.CreateTempSubdirectory("w").FullName;
        File.SetUnixFileMode(work, (UnixFileMode)0x1ED); // 0755: the CGI child runs as nobody
        // The attacker keeps each shell 4 s before typing: time for the stdio facts even when the pipeline lags.
        var listeners = scenarios.Select(s => new ScenarioListener(s.Mode, TimeSpan.FromSeconds(4))).ToList();
        var envs = scenarios.Select((s, i) => new ScenarioEnv(listeners[i],
            Directory.CreateDirectory(Path.Combine(work, i.ToString(CultureInfo.InvariantCulture))).FullName)).ToList();
        var errors = new string?[scenarios.Count];
        try
        {
            await using var tracer = await Tracer.StartAsync();
            using var gate = new SemaphoreSlim(Concurrency);
            await Task.WhenAll(scenarios.Select(async (s, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    await s.Run(envs[i]);
                }
                catch (Exception e)
                {
                    errors[i] = $"{e.GetType().Name}: {e.Message}";
                }
                finally
                {
                    gate.Release();
                }
            }));
            await Task.Delay(1500); // the last deaths and level rows reach the trail
            var rc = await tracer.StopAsync();
            Assert.True(rc == 0, $"n3ttrace exited {rc}:\n{tracer.Stderr}");

            var verdicts = ConnectionVerdict.Read(tracer.StateDir, envs.SelectMany(e => e.JudgedPorts));
            return scenarios.Select((s, i) =>
            {
                var mine = verdicts.Where(v => envs[i].JudgedPorts.Contains(v.RemotePort)).ToList();
                var o = new AttackOutcome(s, mine, listeners[i].Answered, errors[i], null);
                return o.MeetsMinimum || o.Worst is null ? o : o with { Explain = CliExplain.Run(o.Worst.ConnId, tracer.StateDir) };
            }).ToList();
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
