namespace N3ttrace.Inference.Rules;

/// <summary>An executable that lives only in memory (memfd_create + fexecve: exe "/memfd:..."): fileless malware's way.</summary>
public sealed class MemfdExecutableRule : IRiskRule
{
    public string Name => "memfd-exe";

    public string Description => "the executable is a memfd (run from memory, no file on disk)";

    public string Technique => "T1620";

    public RuleHit? Evaluate(Subject s) => s.Exe.StartsWith("/memfd:", StringComparison.Ordinal)
        ? new RuleHit(Name, s.Config.MemfdExePoints, $"executable runs from memory ({Subject.Label(s.Exe.Replace(" (deleted)", "", StringComparison.Ordinal))})", Technique)
        : null;
}
