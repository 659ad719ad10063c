namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>The corpus runs share one xunit collection: one after the other, so they never load the shared 2-core machine at the same time.</summary>
[CollectionDefinition(nameof(DetectionCorpora))]
public sealed class DetectionCorpora;
