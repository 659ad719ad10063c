namespace N3ttrace.Connections;

public enum ConnectionState
{
    Active,
    Closed,
    Failed,
}
