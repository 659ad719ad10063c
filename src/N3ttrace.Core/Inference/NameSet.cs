namespace N3ttrace.Inference;

/// <summary>
/// A list of executable names matched against a path's base name, exactly or without a
/// version suffix ("python3.11" and "python3" match "python"; "lua5.4" matches "lua").
/// </summary>
public sealed class NameSet(IEnumerable<string> names)
{
    private readonly HashSet<string> _names = new(names, StringComparer.Ordinal);

    public bool Contains(string exeOrName)
    {
        if (exeOrName.Length == 0)
        {
            return false;
        }
        var name = BaseName(exeOrName);
        return _names.Contains(name) || _names.Contains(StripVersion(name));
    }

    public static string BaseName(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }

    /// <summary>"python3.11" -> "python", "php8.2" -> "php", "nc.openbsd" stays.</summary>
    public static string StripVersion(string name)
    {
        var end = name.Length;
        while (end > 0 && (char.IsAsciiDigit(name[end - 1]) || name[end - 1] == '.'))
        {
            end--;
        }
        return end == 0 ? name : name[..end];
    }
}
