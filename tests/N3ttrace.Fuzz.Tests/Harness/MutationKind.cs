namespace N3ttrace.Fuzz.Tests.Harness;

public enum MutationKind
{
    FlipBit,
    SetByte,
    InsertToken,
    Delete,
    Duplicate,
    Splice,
    Truncate,
    OverwriteToken,
}
