using System.Security.Cryptography;
using System.Text;

namespace N3ttrace.Lineage;

/// <summary>
/// The identity recipes of DESIGN.md contracts 1 and 2, written so an investigator can
/// recompute them from /proc by hand (the README shows the same recipe as shell).
///
///   process_id(p)  = hex(sha256("n3ttrace:process:v1:" + boot_id + ":" + tgid + ":" + start_ticks))[0:32]
///   ancestry_id(p) = hex(sha256("n3ttrace:ancestry:v1:" + process_id(p) + ":" + ancestry_id(parent(p))))[0:32]
///   ancestry_id(pid 1, pid 0)              = "init"
///   ancestry_id(parent unknown)            = "unknown"
///
/// parent(p) is the original parent (at fork), never the re-parented one. Names never enter.
/// </summary>
public sealed class ProcessIdentity(string bootId)
{
    public const int HexLength = 32;
    public const string InitAncestry = "init";
    public const string UnknownAncestry = "unknown";

    public string BootId { get; } = bootId;

    public string ProcessId(ProcessKey key) =>
        Hash($"n3ttrace:process:v1:{BootId}:{key.Tgid}:{key.StartTicks}");

    public static string AncestryId(string processId, string parentAncestryId) =>
        Hash($"n3ttrace:ancestry:v1:{processId}:{parentAncestryId}");

    public static bool IsRoot(int tgid) => tgid <= 1;

    private static string Hash(string s)
    {
        Span<byte> h = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes(s), h);
        return Convert.ToHexStringLower(h)[..HexLength];
    }
}
