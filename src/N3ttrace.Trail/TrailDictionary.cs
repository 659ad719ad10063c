namespace N3ttrace.Trail;

/// <summary>
/// The process certificates (processes.tsv) and reasons texts (reasons.tsv) of a format-2 trail, by id, as
/// stored (escaped): what <see cref="TrailReader"/> joins back into each birth record and timeline row. The
/// first row of an id wins (a later one is the same value written again after a restart).
/// </summary>
public sealed class TrailDictionary
{
    private readonly Dictionary<string, string[]> _certificates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _reasons = new(StringComparer.Ordinal);

    public static TrailDictionary Empty { get; } = new();

    public int Certificates => _certificates.Count;

    /// <summary>The certificate's values in <see cref="ProcessCertificateColumns.Joined"/> order, or null when unknown.</summary>
    public string[]? Certificate(string id) => _certificates.GetValueOrDefault(id);

    public string? Reasons(string id) => id.Length == 0 ? "" : _reasons.GetValueOrDefault(id);

    /// <summary>Reads the dictionaries in <paramref name="directory"/> (through <see cref="TrailReader.OpenShared"/>); missing files are empty.</summary>
    public static TrailDictionary Load(string directory)
    {
        var d = new TrailDictionary();
        var certificates = Path.Combine(directory, ProcessCertificateColumns.FileName);
        if (File.Exists(certificates))
        {
            using var s = TrailReader.OpenShared(certificates);
            foreach (var row in new TrailReader(TrailDictionary.Empty).ReadData(s))
            {
                var id = row[BirthRecordColumns.ProcessCert];
                if (id.Length > 0 && !d._certificates.ContainsKey(id))
                {
                    d._certificates[id] = ProcessCertificateColumns.Joined.Select(c => row[c]).ToArray();
                }
            }
        }
        var reasons = Path.Combine(directory, ReasonColumns.FileName);
        if (File.Exists(reasons))
        {
            using var s = TrailReader.OpenShared(reasons);
            foreach (var row in new TrailReader(TrailDictionary.Empty).ReadData(s))
            {
                d._reasons.TryAdd(row[ReasonColumns.Id], row[ReasonColumns.Text]);
            }
        }
        return d;
    }
}
