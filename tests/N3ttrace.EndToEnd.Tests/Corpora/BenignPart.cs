namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>One part of the benign corpus: the connections to Port are expected NORMAL with this purpose.</summary>
internal sealed record BenignPart(string Id, string Name, string Context, string Purpose, int Port);
