namespace N3ttrace.Inference.Rules;

/// <summary>An executable run from a world-writable scratch directory (/tmp, /dev/shm, /var/tmp): where droppers land.</summary>
public sealed class TempExecutableRule : IRiskRule
{
    public string Name => "temp-exe";

    public string Description => "the executable lives in /tmp, /dev/shm or /var/tmp";

    public string Technique => "T1036.005";

    public RuleHit? Evaluate(Subject s)
    {
        foreach (var dir in s.Config.TempDirs)
        {
            if (s.Exe.StartsWith(dir, StringComparison.Ordinal))
            {
                return new RuleHit(Name, s.Config.TempExePoints, $"executable {Subject.Label(s.Exe)} runs from {Subject.Label(dir.TrimEnd('/'))}", Technique);
            }
        }
        return null;
    }
}
