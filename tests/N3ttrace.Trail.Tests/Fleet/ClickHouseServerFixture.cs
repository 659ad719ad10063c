namespace N3ttrace.Core.Tests.Fleet;

/// <summary>One ClickHouse server for a test class (starting one takes a few seconds).</summary>
public sealed class ClickHouseServerFixture : IDisposable
{
    public ClickHouseServer Server { get; } = new();

    public void Dispose() => Server.Dispose();
}
