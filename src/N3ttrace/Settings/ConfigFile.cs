using N3ttrace.Interop;

namespace N3ttrace.Cli.Settings;

/// <summary>
/// /etc/n3ttrace/n3ttrace.conf: `option = value` lines, one per `run` option, named as on the command line without
/// the dashes (`state-dir = /srv/n3ttrace`, `no-tui = true`); `#` starts a comment line; a value may be "quoted".
/// Read as root only when root owns it and nobody else can write it: the file decides where root writes.
/// </summary>
internal static class ConfigFile
{
    /// <summary>Keys and values in file order; throws <see cref="ConfigException"/> naming the line.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string text, string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ConfigException($"{path}:{i + 1}: expected 'option = value'");
            }
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }
            if (key.StartsWith('-') || key.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            {
                throw new ConfigException($"{path}:{i + 1}: '{Text.TextEscaper.Escape(key)}' is not an option name (write it as on the command line, without the dashes)");
            }
            if (!values.TryAdd(key, value))
            {
                throw new ConfigException($"{path}:{i + 1}: '{key}' is set twice");
            }
        }
        return values;
    }

    /// <summary>The file's settings; none when it is absent and was not asked for explicitly.</summary>
    public static IReadOnlyDictionary<string, string> Load(string path, bool required)
    {
        FileFacts? facts;
        try
        {
            facts = FileFacts.Of(path);
        }
        catch (IOException e)
        {
            throw new ConfigException($"cannot read config file {path}: {e.Message}");
        }
        if (facts is not { } f)
        {
            return required ? throw new ConfigException($"config file {path} does not exist") : new Dictionary<string, string>();
        }
        if (!f.IsRegular)
        {
            throw new ConfigException($"config file {path} is not a regular file (a symbolic link is refused)");
        }
        if (Privileges.IsRoot && (f.Uid != 0 || (f.Mode & 0x12) != 0))
        {
            throw new ConfigException($"config file {path} must be owned by root and writable by nobody else (uid {f.Uid}, mode {Convert.ToString(f.Mode, 8)})");
        }
        if (f.Size > 64 * 1024)
        {
            throw new ConfigException($"config file {path} is larger than 64 KiB");
        }
        return Parse(File.ReadAllText(path), path);
    }
}

internal sealed class ConfigException(string message) : Exception(message);
