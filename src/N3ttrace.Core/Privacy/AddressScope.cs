namespace N3ttrace.Privacy;

public enum AddressScope
{
    Loopback,
    Private,
    LinkLocal,
    Public,
}
