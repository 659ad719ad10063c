namespace N3ttrace.Lineage;

/// <summary>
/// A process as the kernel knows it on this boot: thread-group id plus start time in
/// clock ticks (/proc/PID/stat field 22). Unlike a pid alone, never reused within a boot.
/// </summary>
public readonly record struct ProcessKey(int Tgid, ulong StartTicks)
{
    public override string ToString() => $"{Tgid}[{StartTicks}]";
}
