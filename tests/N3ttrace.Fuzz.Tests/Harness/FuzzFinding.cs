namespace N3ttrace.Fuzz.Tests.Harness;

/// <summary>A broken property (wrong exit code, stack trace in the output, unbounded memory, a hang).</summary>
public sealed class FuzzFinding(string message) : Exception(message);
