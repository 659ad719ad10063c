namespace N3ttrace.Inference;

/// <summary>One rule's contribution to a verdict: the rule's name, its points, a short reason and its MITRE ATT&amp;CK technique.</summary>
public sealed record RuleHit(string Rule, int Points, string Text, string Technique = "")
{
    /// <summary>"rule +N: text [T1059.004]", the form stored in the trail's reasons so `explain` can read it back.</summary>
    public override string ToString() => Technique.Length > 0 ? $"{Rule} +{Points}: {Text} [{Technique}]" : $"{Rule} +{Points}: {Text}";
}
