using N3ttrace.Lineage;

namespace N3ttrace.Events;

/// <summary>
/// What the kernel saw of a process inside connect() that its exec record did not say: its cwd,
/// session and terminal now (after chdir or setsid, or for a process whose exec was not seen),
/// an executable deleted since exec, argv memory rewritten since exec. Sent only when something differs.
/// </summary>
public sealed record ProcessContextAtConnect(long BootNs, ProcessKey Process, string Cwd, bool CwdTruncated,
    bool ExeDeleted, bool ArgvOverwritten, int Session, string Tty) : CaptureEvent(BootNs);
