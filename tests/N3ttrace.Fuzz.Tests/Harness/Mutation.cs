namespace N3ttrace.Fuzz.Tests.Harness;

/// <summary>One edit of an input. Positions are fractions of the input's length (0..65535), so one plan fits any input.</summary>
public readonly record struct Mutation(MutationKind Kind, int At, int Length, int Value);
