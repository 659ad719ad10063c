namespace N3ttrace.Trail;

/// <summary>
/// reasons.tsv: each distinct reasons text once, referenced from birth and timeline rows by reasons_id
/// (a hash of the text: the same text keeps its id across restarts). An empty reasons text has the empty id.
/// </summary>
public static class ReasonColumns
{
    public const string FileName = "reasons.tsv";
    public const string Id = "reasons_id";
    public const string Text = "reasons";

    public static readonly IReadOnlyList<string> Names = ["ts", Id, Text];
}
