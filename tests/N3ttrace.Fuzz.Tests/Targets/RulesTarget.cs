using System.Text;
using N3ttrace.Fuzz.Tests.Harness;
using N3ttrace.Inference;

namespace N3ttrace.Fuzz.Tests.Targets;

/// <summary>The rules file (--rules): any text parses to a config or fails with one RulesConfigException of one line.</summary>
public sealed class RulesTarget : IFuzzTarget
{
    public string Name => "rules";

    public IEnumerable<byte[]> GeneratedSeeds()
    {
        // Every key once, with a value in range, as a rules file documents them.
        var lines = new List<string> { "# every key", "" };
        foreach (var key in RulesConfigFile.Keys)
        {
            lines.Add(key.EndsWith("_points", StringComparison.Ordinal) ? $"{key} = 10"
                : key.Contains("quantile", StringComparison.Ordinal) ? $"{key} = 0.9"
                : key.Contains("threshold", StringComparison.Ordinal) ? $"{key} = 0.5"
                : key.Contains("seconds", StringComparison.Ordinal) ? $"{key} = 30.5"
                : key.Contains("score", StringComparison.Ordinal) ? $"{key} = 50"
                : key.Contains("depth", StringComparison.Ordinal) ? $"{key} = 8"
                : key.Contains("history", StringComparison.Ordinal) ? $"{key} = 16"
                : key.Contains("min_connections", StringComparison.Ordinal) || key.Contains("pairs", StringComparison.Ordinal) || key.Contains("samples", StringComparison.Ordinal) ? $"{key} = 100"
                : $"{key} += alpha, beta");
        }
        yield return Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        yield return "shells = sh, bash\nthreat_score = 70\n"u8.ToArray();
    }

    public void Execute(byte[] input)
    {
        var lines = Encoding.UTF8.GetString(input).Split('\n');
        try
        {
            RulesConfigFile.Parse(lines, "fuzz.rules");
        }
        catch (RulesConfigException e) when (!e.Message.Contains('\n') && !e.Message.Contains('\r'))
        {
        }
    }
}
