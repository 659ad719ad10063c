using N3ttrace.Connections;

namespace N3ttrace.Trail;

/// <summary>
/// processes.tsv: one process certificate per distinct (process, exec, lineage) seen making a connection,
/// written once and referenced from birth records by process_cert. The id is a hash of the certificate's
/// escaped fields, so a certificate written again after a restart gets the same id (a reader keeps the first).
/// </summary>
public static class ProcessCertificateColumns
{
    public const string FileName = "processes.tsv";

    /// <summary>Birth-certificate columns that belong to the process, in <see cref="BirthRecordColumns.Names"/> order.</summary>
    public static readonly IReadOnlyList<string> Joined =
        ["exe", "cmdline", "cwd", "env_sha256", "gid", "loginuid", "session", "tty", "cgroup", BirthRecordColumns.Container, "process_id", "ancestry_id", "ancestry", "parent", "truncated", "facts"];

    public static readonly IReadOnlyList<string> Names = ["ts", BirthRecordColumns.ProcessCert, .. Joined];

    /// <summary>The header of earlier releases (before the container column): still read and verified, not appended to.</summary>
    public static readonly IReadOnlyList<IReadOnlyList<string>> EarlierNames = [Names.Where(n => n != BirthRecordColumns.Container).ToArray()];

    private static readonly Func<Connection, string>[] Getters =
        Joined.Select(n => BirthRecordColumns.All.First(c => c.Name == n).Value).ToArray();

    /// <summary>The certificate's values (without ts and id), raw: the writer escapes them.</summary>
    public static string[] Values(Connection c)
    {
        var v = new string[Getters.Length];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = Getters[i](c);
        }
        return v;
    }
}
