namespace N3ttrace.Connections;

/// <summary>
/// The container a process runs in, as its cgroup v2 path names it: the runtime, the container id, and the
/// Kubernetes pod uid where the path has one. The path is the only witness that needs no runtime's API, and it is
/// the kernel's: a process cannot rename its cgroup without write access to the cgroup file system.
/// Layouts recognised (cgroupfs and systemd drivers):
/// docker    /docker/ID, /system.slice/docker-ID.scope
/// containerd /system.slice/cri-containerd-ID.scope, /k8s.io/ID, /default/ID, nerdctl-ID.scope
/// cri-o     crio-ID.scope (not crio-conmon-ID.scope: that is the monitor, outside the container)
/// podman    /machine.slice/libpod-ID.scope (also under user@UID.service when rootless), /libpod_parent/libpod-ID
/// kubepods  /kubepods/QOS/podUID/ID, /kubepods.slice/kubepods-QOS.slice/kubepods-QOS-podUID.slice/RUNTIME-ID.scope
/// ID is 64 lowercase hex digits.
/// </summary>
public sealed record ContainerRef(string Runtime, string Id, string PodUid = "")
{
    private const int IdLength = 64;

    /// <summary>The column's text: runtime:id, then ;pod=uid when there is a pod.</summary>
    public override string ToString() => PodUid.Length == 0 ? $"{Runtime}:{Id}" : $"{Runtime}:{Id};pod={PodUid}";

    /// <summary>Reads the column's text back (null for an empty or foreign value).</summary>
    public static ContainerRef? FromText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }
        var rest = text[(colon + 1)..];
        var pod = "";
        var semi = rest.IndexOf(";pod=", StringComparison.Ordinal);
        if (semi >= 0)
        {
            pod = rest[(semi + 5)..];
            rest = rest[..semi];
        }
        return new ContainerRef(text[..colon], rest, pod);
    }

    /// <summary>The container named by a cgroup path, or null when the path is not a container's.</summary>
    public static ContainerRef? Parse(string? cgroupPath)
    {
        if (string.IsNullOrEmpty(cgroupPath) || cgroupPath.Length < IdLength)
        {
            return null; // no room for an id: most host processes stop here
        }
        var parts = cgroupPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var pod = "";
        foreach (var p in parts)
        {
            pod = PodUidOf(p) ?? pod;
        }
        // The innermost component that names a container wins (podman puts a "container" cgroup below its scope).
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            var p = parts[i];
            var scoped = ScopedId(p);
            if (scoped is { } s)
            {
                return new ContainerRef(s.Runtime, s.Id, pod);
            }
            if (IsId(p))
            {
                var parent = i > 0 ? parts[i - 1] : "";
                var runtime = parent switch
                {
                    "docker" or "moby" => "docker",
                    "k8s.io" or "default" => "containerd",
                    "libpod_parent" => "podman",
                    _ when pod.Length > 0 => "kubepods", // cgroupfs kubelet layout: the runtime is not in the path
                    _ => null,
                };
                if (runtime is not null)
                {
                    return new ContainerRef(runtime, p, pod);
                }
            }
        }
        return null;
    }

    private static readonly (string Prefix, string Runtime)[] Scopes =
    [
        ("docker-", "docker"),
        ("cri-containerd-", "containerd"),
        ("nerdctl-", "containerd"),
        ("crio-", "cri-o"),
        ("libpod-", "podman"),
    ];

    /// <summary>RUNTIME-ID.scope (systemd driver) or libpod-ID (podman's cgroupfs driver).</summary>
    private static (string Runtime, string Id)? ScopedId(string part)
    {
        var name = part.EndsWith(".scope", StringComparison.Ordinal) ? part[..^".scope".Length] : part;
        foreach (var (prefix, runtime) in Scopes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && IsId(name.AsSpan(prefix.Length)))
            {
                return (runtime, name[prefix.Length..]);
            }
        }
        return null;
    }

    /// <summary>podUID (cgroupfs; dashes) or kubepods[-QOS]-podUID.slice (systemd; underscores for dashes).</summary>
    private static string? PodUidOf(string part)
    {
        if (part.StartsWith("pod", StringComparison.Ordinal) && IsUid(part.AsSpan(3)))
        {
            return part[3..];
        }
        if (part.StartsWith("kubepods", StringComparison.Ordinal) && part.EndsWith(".slice", StringComparison.Ordinal))
        {
            var at = part.LastIndexOf("-pod", StringComparison.Ordinal);
            if (at > 0)
            {
                var uid = part[(at + 4)..^".slice".Length].Replace('_', '-');
                return IsUid(uid) ? uid : null;
            }
        }
        return null;
    }

    private static bool IsId(ReadOnlySpan<char> s)
    {
        if (s.Length != IdLength)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A Kubernetes UID: 8-4-4-4-12 lowercase hex (a static pod's is a 32-digit hash without dashes).</summary>
    private static bool IsUid(ReadOnlySpan<char> s)
    {
        if (s.Length == 32)
        {
            foreach (var c in s)
            {
                if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
                {
                    return false;
                }
            }
            return true;
        }
        if (s.Length != 36)
        {
            return false;
        }
        for (var i = 0; i < s.Length; i++)
        {
            var dash = i is 8 or 13 or 18 or 23;
            if (dash ? s[i] != '-' : !char.IsAsciiHexDigitLower(s[i]) && !char.IsAsciiDigit(s[i]))
            {
                return false;
            }
        }
        return true;
    }
}
