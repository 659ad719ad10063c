namespace N3ttrace.Inference;

/// <summary>One risk rule: constant work per call, testable alone.</summary>
public interface IRiskRule
{
    /// <summary>Short name, the prefix of its reasons in the trail.</summary>
    string Name { get; }

    /// <summary>One line for `explain` and the README: what the rule looks for.</summary>
    string Description { get; }

    /// <summary>The MITRE ATT&amp;CK technique its reasons carry (a hit may name a more precise sub-technique).</summary>
    string Technique { get; }

    /// <summary>The rule's contribution, or null when it does not apply.</summary>
    RuleHit? Evaluate(Subject s);
}
