namespace N3ttrace.Trail;

/// <summary>One finding of verify: which file, line (1-based, the header is line 1) and what is wrong.</summary>
public sealed record Damage(string File, long Line, DamageKind Kind, string Detail)
{
    public override string ToString() => $"{File} line {Line}: {KindName(Kind)}: {Detail}";

    public static string KindName(DamageKind k) => k.ToString().ToLowerInvariant();
}
