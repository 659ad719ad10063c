namespace N3ttrace.Capture.Proc.ProcFs;

/// <summary>A process's executable path and argv bytes as /proc shows them: equal images mean no exec in between.</summary>
public sealed record ExecImage(string Exe, byte[] Argv)
{
    public bool SameAs(ExecImage? other) =>
        other is not null && Exe == other.Exe && Argv.AsSpan().SequenceEqual(other.Argv);
}
