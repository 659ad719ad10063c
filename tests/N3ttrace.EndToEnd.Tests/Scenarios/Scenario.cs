namespace N3ttrace.EndToEnd.Tests.Scenarios;

/// <summary>
/// One labelled scenario: what runs (real processes against its own loopback listener), and what
/// n3ttrace must conclude: the level (the highest over the scenario's connections, at birth or later),
/// the purpose (of its last connection; null = not judged) and a reason that must appear.
/// </summary>
internal sealed record Scenario(
    string Name,
    bool Malicious,
    string ExpectedLevel,
    string? ExpectedPurpose,
    string RequiredReason,
    ScenarioListener.Mode Mode,
    Func<ScenarioListener, string, Task> Run);
