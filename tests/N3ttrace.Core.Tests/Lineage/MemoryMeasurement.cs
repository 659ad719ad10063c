namespace N3ttrace.Core.Tests.Lineage;

/// <summary>Tests that measure the managed heap run with no other test running.</summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;
