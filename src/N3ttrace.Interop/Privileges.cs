namespace N3ttrace.Interop;

public static class Privileges
{
    public static bool IsRoot => LibC.GetEuid() == 0;
}
