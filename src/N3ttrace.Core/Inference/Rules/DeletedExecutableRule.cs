using N3ttrace.Lineage;

namespace N3ttrace.Inference.Rules;

/// <summary>An executable deleted from disk while it runs: a dropper cleaning up after itself, or a binary run from memory.</summary>
public sealed class DeletedExecutableRule : IRiskRule
{
    public string Name => "deleted-exe";

    public string Description => "the executable was deleted while it runs";

    public string Technique => "T1070.004";

    public RuleHit? Evaluate(Subject s) => s.Birth.ExeDeleted || s.Connection.Facts.Contains(ProcessFacts.ExeDeleted)
        ? new RuleHit(Name, s.Config.DeletedExePoints, $"executable {Subject.Label(s.Exe)} was deleted", Technique)
        : null;
}
