using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace N3ttrace.EndToEnd.Tests.Lineage;

/// <summary>
/// The README's identity recipes, recomputed independently of the product (plain SHA-256 over
/// /proc fields), as an investigator would by hand.
/// </summary>
internal static class ByHand
{
    public static string BootId { get; } = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();

    public static string ProcessId(int pid, ulong startTicks) =>
        Sha($"n3ttrace:process:v1:{BootId}:{pid}:{startTicks}");

    public static string AncestryId(string processId, string parentAncestryId) =>
        Sha($"n3ttrace:ancestry:v1:{processId}:{parentAncestryId}");

    /// <summary>ancestry_id of a live process, walking /proc ppid links up to init.</summary>
    public static string AncestryOfLive(int pid)
    {
        var f = Stat(pid);
        var ppid = int.Parse(f[1], CultureInfo.InvariantCulture);
        var sid = int.Parse(f[3], CultureInfo.InvariantCulture);
        var self = ProcessId(pid, ulong.Parse(f[19], CultureInfo.InvariantCulture));
        if (ppid <= 1)
        {
            // Child of init: a session leader (or pid 1/2 itself) was started by it; anything else was re-parented.
            var root = ppid == 0 || pid <= 2 || sid == pid ? "init" : "unknown";
            return AncestryId(self, root);
        }
        return AncestryId(self, AncestryOfLive(ppid));
    }

    public static string[] Stat(int pid)
    {
        var s = File.ReadAllText($"/proc/{pid}/stat");
        return s[(s.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static string Sha(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(s)))[..32];
}
