using System.Globalization;
using System.Text;

namespace N3ttrace.Trail.Fleet;

/// <summary>Literals for the SQL the fleet commands build: every value a user gives is quoted here, nowhere else.</summary>
public static class FleetSql
{
    public static string Quote(string s)
    {
        var b = new StringBuilder(s.Length + 2).Append('\'');
        foreach (var c in s)
        {
            if (c is '\\' or '\'')
            {
                b.Append('\\');
            }
            b.Append(c);
        }
        return b.Append('\'').ToString();
    }

    public static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>query's text filter: exact, or a glob with '*' (as LIKE, with % _ and \ taken literally).</summary>
    public static string Match(string column, string pattern)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return $"{column} = {Quote(pattern)}";
        }
        var like = new StringBuilder();
        foreach (var c in pattern)
        {
            like.Append(c switch { '*' => "%", '%' => "\\%", '_' => "\\_", '\\' => "\\\\", _ => c.ToString() });
        }
        return $"{column} LIKE {Quote(like.ToString())}";
    }
}
