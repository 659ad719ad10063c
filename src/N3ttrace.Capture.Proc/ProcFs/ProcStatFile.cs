using N3ttrace.Lineage;

namespace N3ttrace.Capture.Proc.ProcFs;

/// <summary>Reads /proc/PID/stat. The parsed shape (ProcStat) is model and lives in Core; the file read lives here.</summary>
public static class ProcStatFile
{
    extension(ProcStat)
    {
        public static bool TryRead(string procRoot, int pid, out ProcStat stat)
        {
            stat = default;
            try
            {
                return ProcStat.TryParse(File.ReadAllText($"{procRoot}/{pid}/stat"), out stat);
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
