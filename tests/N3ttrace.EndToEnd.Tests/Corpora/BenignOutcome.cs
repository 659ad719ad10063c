namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>One benign connection as judged, next to what its part expected.</summary>
internal sealed record BenignOutcome(BenignPart Part, ConnectionVerdict Verdict, string? Explain)
{
    public bool PurposeRight => Verdict.Purpose == Part.Purpose;
    public bool Miss => Verdict.Level != "NORMAL" || !PurposeRight;
}
