using N3ttrace.Lineage;

namespace N3ttrace.Capture.Proc.ProcFs;

/// <summary>Reads this boot's id, the first part of every process identity. Core computes the identity; the file read lives here.</summary>
public static class BootIdFile
{
    extension(ProcessIdentity)
    {
        public static string ReadBootId(string procRoot = "/proc") =>
            File.ReadAllText(Path.Combine(procRoot, "sys/kernel/random/boot_id")).Trim();
    }
}
