using System.Security.Cryptography;

using N3ttrace.Inference;

namespace N3ttrace.Capture.Proc.ProcFs;

/// <summary>
/// Recognises a copy of a known shell or interpreter under another name (cp /bin/bash /tmp/updater): same size
/// and same SHA-256 as the installed binary. Signatures are taken once from the installed shells and
/// interpreters; an executable is hashed only when its size matches one, once per path (bounded cache).
/// Files are opened without following symlinks.
/// </summary>
public sealed class ExecutableIdentity : IExecutableIdentity
{
    private const int MaxCached = 1024;
    private static readonly string[] BinDirs = ["/usr/bin/", "/bin/", "/usr/local/bin/", "/usr/sbin/"];

    private readonly Lazy<Dictionary<long, List<(byte[] Hash, bool Shell)>>> _signatures;
    private readonly Dictionary<string, (bool Interpreter, bool Shell)> _cache = new(StringComparer.Ordinal);

    public ExecutableIdentity(RulesConfig config)
    {
        _signatures = new(() => Build(config));
    }

    /// <summary>Executables hashed (a size matched a known interpreter).</summary>
    public long Hashed { get; private set; }

    public bool IsKnownInterpreter(string exe) => Lookup(exe).Interpreter;

    public bool IsKnownShell(string exe) => Lookup(exe).Shell;

    private (bool Interpreter, bool Shell) Lookup(string exe)
    {
        if (exe.Length == 0 || exe[0] != '/')
        {
            return default;
        }
        if (_cache.TryGetValue(exe, out var known))
        {
            return known;
        }
        var result = default((bool, bool));
        var size = SizeOf(exe);
        if (size > 0 && _signatures.Value.TryGetValue(size, out var candidates) && Hash(exe) is { } h)
        {
            Hashed++;
            foreach (var (hash, shell) in candidates)
            {
                if (hash.AsSpan().SequenceEqual(h))
                {
                    result = (true, shell);
                    break;
                }
            }
        }
        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }
        _cache[exe] = result;
        return result;
    }

    private static Dictionary<long, List<(byte[], bool)>> Build(RulesConfig config)
    {
        var map = new Dictionary<long, List<(byte[], bool)>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (names, shell) in new[] { (config.Shells, true), (config.Interpreters, false) })
        {
            foreach (var name in names)
            {
                foreach (var dir in BinDirs)
                {
                    string real;
                    try
                    {
                        var fi = new FileInfo(dir + name);
                        if (!fi.Exists)
                        {
                            continue;
                        }
                        real = fi.ResolveLinkTarget(true)?.FullName ?? fi.FullName;
                    }
                    catch (IOException)
                    {
                        continue;
                    }
                    if (!seen.Add(real) || Hash(real) is not { } h)
                    {
                        continue;
                    }
                    var size = SizeOf(real);
                    if (!map.TryGetValue(size, out var list))
                    {
                        map[size] = list = [];
                    }
                    list.Add((h, shell));
                }
            }
        }
        return map;
    }

    private static long SizeOf(string path) =>
        Interop.LibC.StatX(Interop.LibC.AT_FDCWD, path, Interop.LibC.AT_SYMLINK_NOFOLLOW, Interop.LibC.STATX_BASIC_STATS, out var st) == 0
        && (st.Mode & 0xF000) == 0x8000 ? (long)st.Size : -1;

    private static byte[]? Hash(string path)
    {
        using var handle = Interop.LibC.Open(path, Interop.LibC.O_NOFOLLOW | Interop.LibC.O_CLOEXEC, 0);
        if (handle.IsInvalid)
        {
            return null;
        }
        try
        {
            using var stream = new FileStream(handle, FileAccess.Read, 0);
            return SHA256.HashData(stream);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
