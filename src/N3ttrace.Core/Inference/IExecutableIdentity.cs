namespace N3ttrace.Inference;

/// <summary>
/// Whether an executable is a known shell or interpreter by its content (a renamed copy of /bin/bash is still
/// bash), not its name. Reading executables is I/O, so Core only sees this; the implementation hashes files
/// (N3ttrace.Capture.Proc.ProcFs.ExecutableIdentity).
/// </summary>
public interface IExecutableIdentity
{
    bool IsKnownInterpreter(string exe);

    bool IsKnownShell(string exe);
}
