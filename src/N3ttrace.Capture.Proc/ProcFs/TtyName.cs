namespace N3ttrace.Capture.Proc.ProcFs;

/// <summary>One spelling for a controlling terminal in both capture modes: "pts/3", "tty1", "ttyS0".</summary>
public static class TtyName
{
    /// <summary>From /proc/PID/stat field 7 (tty_nr: major in bits 8..15 and 20..31, minor in 0..7 and 12..19).</summary>
    public static string FromTtyNr(int ttyNr)
    {
        if (ttyNr == 0)
        {
            return "";
        }
        var major = (ttyNr >> 8) & 0xFFF;
        var minor = (ttyNr & 0xFF) | ((ttyNr >> 12) & 0xFFF00);
        return major switch
        {
            >= 136 and <= 143 => $"pts/{(major - 136) * 256 + minor}",
            4 when minor < 64 => $"tty{minor}",
            4 => $"ttyS{minor - 64}",
            5 when minor == 0 => "tty",
            5 when minor == 1 => "console",
            _ => $"{major}:{minor}",
        };
    }

    /// <summary>From the kernel's tty->name ("pts3", "tty1", "ttyS0").</summary>
    public static string FromKernelName(string name) =>
        name.StartsWith("pts", StringComparison.Ordinal) && name.Length > 3 && char.IsAsciiDigit(name[3])
            ? $"pts/{name[3..]}"
            : name;
}
