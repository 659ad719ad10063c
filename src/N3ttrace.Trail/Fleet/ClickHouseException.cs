namespace N3ttrace.Trail.Fleet;

/// <summary>ClickHouse answered with an error, or could not be reached (<see cref="Unreachable"/>).</summary>
public sealed class ClickHouseException(string message, bool unreachable = false, Exception? inner = null) : Exception(message, inner)
{
    public bool Unreachable { get; } = unreachable;
}
