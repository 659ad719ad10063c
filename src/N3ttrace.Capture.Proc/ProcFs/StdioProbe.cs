namespace N3ttrace.Capture.Proc.ProcFs;

/// <summary>Which of a live process's stdin, stdout, stderr are sockets (three readlinks in /proc).</summary>
public static class StdioProbe
{
    public static int Read(int pid, string procRoot = "/proc")
    {
        var bits = 0;
        for (var fd = 0; fd < 3; fd++)
        {
            try
            {
                var target = new FileInfo($"{procRoot}/{pid}/fd/{fd}").LinkTarget;
                if (target is not null && target.StartsWith("socket:", StringComparison.Ordinal))
                {
                    bits |= 1 << fd;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return bits;
    }
}
