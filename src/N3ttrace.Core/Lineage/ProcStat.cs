using System.Globalization;

namespace N3ttrace.Lineage;

/// <summary>The fields of /proc/PID/stat that n3ttrace uses. Reading the file is the capture side's job (ProcStatFile).</summary>
public readonly record struct ProcStat(int Pid, string Comm, char State, int PPid, int Session, int TtyNr, ulong StartTicks)
{
    /// <summary>Parses a stat line. comm may hold spaces and ')' so fields are counted from the last ')'.</summary>
    public static bool TryParse(string line, out ProcStat stat)
    {
        stat = default;
        var open = line.IndexOf('(');
        var close = line.LastIndexOf(')');
        if (open < 0 || close < open || close + 2 >= line.Length)
        {
            return false;
        }
        if (!int.TryParse(line.AsSpan(0, open).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }
        var comm = line[(open + 1)..close];
        // Field 3 (state) is the first after ") ".
        var rest = line[(close + 2)..].Split(' ');
        if (rest.Length < 20)
        {
            return false;
        }
        // rest[0]=state(3) rest[1]=ppid(4) rest[2]=pgrp(5) rest[3]=session(6) rest[4]=tty_nr(7) ... rest[19]=starttime(22)
        if (!int.TryParse(rest[1], CultureInfo.InvariantCulture, out var ppid)
            || !int.TryParse(rest[3], CultureInfo.InvariantCulture, out var session)
            || !int.TryParse(rest[4], CultureInfo.InvariantCulture, out var tty)
            || !ulong.TryParse(rest[19], CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }
        stat = new ProcStat(pid, comm, rest[0].Length > 0 ? rest[0][0] : '?', ppid, session, tty, start);
        return true;
    }
}
