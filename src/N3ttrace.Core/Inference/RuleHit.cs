namespace N3ttrace.Inference;

/// <summary>One rule's contribution to a verdict: the rule's name, its points and a short reason.</summary>
public sealed record RuleHit(string Rule, int Points, string Text)
{
    /// <summary>"rule +N: text", the form stored in the trail's reasons so `explain` can read it back.</summary>
    public override string ToString() => $"{Rule} +{Points}: {Text}";
}
