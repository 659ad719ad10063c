namespace N3ttrace.Trail.Export;

/// <summary>What identifies the host a bundle came from; a fact that cannot be read is "unknown".</summary>
public sealed record HostFacts(string HostName, string MachineId, string BootId, string Kernel, DateTime BootUtc)
{
    public static HostFacts Read(DateTime bootUtc) => new(
        ReadOr("/proc/sys/kernel/hostname"),
        ReadOr("/etc/machine-id"),
        ReadOr("/proc/sys/kernel/random/boot_id"),
        $"{ReadOr("/proc/sys/kernel/ostype")} {ReadOr("/proc/sys/kernel/osrelease")} {ReadOr("/proc/sys/kernel/version")}",
        bootUtc);

    private static string ReadOr(string path)
    {
        try
        {
            return Text.TextEscaper.Escape(File.ReadAllText(path).Trim());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
