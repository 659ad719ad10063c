namespace N3ttrace.EndToEnd.Tests.Trail;

/// <summary>
/// Tests that flood the whole host with connections until a ring overflows: every tracer another test runs at the
/// same time would see the flood too (and drop records, and exit 1). They run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(HostFlood), DisableParallelization = true)]
public sealed class HostFlood;
