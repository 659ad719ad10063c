using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using N3ttrace.Capture.Ebpf.Native;

namespace N3ttrace.Capture.Ebpf.Tests;

/// <summary>Every record crossing the ring buffer has one definition (bpf/n3ttrace.h); the C# mirrors must match it byte for byte.</summary>
public class EventLayoutTests
{
    private static readonly Dictionary<string, Type> Mirrors = new()
    {
        ["n3t_conn"] = typeof(ConnRecord),
        ["n3t_fork"] = typeof(ForkRecord),
        ["n3t_exit"] = typeof(ExitRecord),
        ["n3t_exec"] = typeof(ExecRecord),
        ["n3t_ctx"] = typeof(CtxRecord),
        ["n3t_fd"] = typeof(FdRecord),
        ["n3t_listen_key"] = typeof(ListenKey),
        ["n3t_udp_birth"] = typeof(UdpBirthRecord),
        ["n3t_udp_release"] = typeof(UdpReleaseRecord),
        ["n3t_udp_key"] = typeof(UdpFlowKey),
        ["n3t_udp_flow"] = typeof(UdpFlowValue),
    };

    private static readonly Lazy<List<(string Struct, string Field, int Offset, int Size)>> CLayout = new(CompileAndRun);

    [Fact]
    public void Every_struct_has_the_size_of_the_C_header()
    {
        foreach (var (name, type) in Mirrors)
        {
            var c = CLayout.Value.Single(r => r.Struct == name && r.Field == "-");
            Assert.True(c.Offset == Marshal.SizeOf(type), $"{name}: C sizeof {c.Offset}, C# {Marshal.SizeOf(type)}");
        }
    }

    [Fact]
    public void Every_field_has_the_offset_and_size_of_the_C_header()
    {
        foreach (var (name, type) in Mirrors)
        {
            var cFields = CLayout.Value.Where(r => r.Struct == name && r.Field != "-").ToList();
            var csFields = type.GetFields(BindingFlags.Instance | BindingFlags.Public);
            Assert.Equal(cFields.Count, csFields.Length);
            foreach (var f in csFields)
            {
                var c = cFields.SingleOrDefault(r => Normalize(r.Field) == Normalize(f.Name));
                Assert.True(c.Field is not null, $"{type.Name}.{f.Name} has no field in struct {name}");
                Assert.True(c.Offset == (int)Marshal.OffsetOf(type, f.Name), $"{name}.{c.Field}: C offset {c.Offset}, C# {Marshal.OffsetOf(type, f.Name)}");
                Assert.True(c.Size == FieldSize(f), $"{name}.{c.Field}: C size {c.Size}, C# {FieldSize(f)}");
            }
        }
    }

    [Fact]
    public void Map_slots_have_the_values_of_the_C_header()
    {
        var slots = CLayout.Value.Where(r => r.Struct == "enum").ToDictionary(r => r.Field, r => r.Offset);
        foreach (var (prefix, type) in new[] { ("N3T_STAT_", typeof(StatIndex)), ("N3T_CTL_", typeof(CtlSlot)), ("N3T_", typeof(EventKind)) })
        {
            foreach (var value in Enum.GetValues(type))
            {
                var name = value.ToString()!;
                var c = prefix + (name == "Count" ? "MAX" : string.Concat(name.Select((ch, i) => i > 0 && char.IsUpper(ch) ? "_" + ch : ch.ToString())).ToUpperInvariant());
                Assert.True(slots.TryGetValue(c, out var v), $"{type.Name}.{name}: no {c} in bpf/n3ttrace.h");
                Assert.True(v == Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture), $"{c} is {v} in C, {Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)} in C#");
            }
        }
    }

    private static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    private static int FieldSize(FieldInfo f)
    {
        var fixedBuffer = f.GetCustomAttribute<System.Runtime.CompilerServices.FixedBufferAttribute>();
        return fixedBuffer is not null ? Marshal.SizeOf(fixedBuffer.ElementType) * fixedBuffer.Length : Marshal.SizeOf(f.FieldType);
    }

    private static List<(string, string, int, int)> CompileAndRun()
    {
        var header = Path.Combine(RepoRoot(), "bpf");
        var exe = Path.Combine(Path.GetTempPath(), $"n3t-layout-{Environment.ProcessId}");
        Run("cc", $"-Wall -Werror -I{header} -o {exe} {Path.Combine(AppContext.BaseDirectory, "layout.c")}");
        var output = Run(exe, "");
        File.Delete(exe);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .Select(p => (p[0], p[1], int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture), p[3] == "-" ? 0 : int.Parse(p[3], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static string Run(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {args} failed: {stderr}");
        return stdout;
    }

    internal static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "N3ttrace.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        }
        return dir;
    }
}
