using N3ttrace.Events;
using N3ttrace.Lineage;

namespace N3ttrace.Pipeline;

/// <summary>Applies capture events to the process table, so Lineage does not depend on Events.</summary>
public static class ProcessTableEvents
{
    public static void OnContextAtConnect(this ProcessTable table, ProcessContextAtConnect e) =>
        table.OnContextAtConnect(e.Process, e.Cwd, e.CwdTruncated, e.ExeDeleted, e.ArgvOverwritten, e.Session, e.Tty);
}
