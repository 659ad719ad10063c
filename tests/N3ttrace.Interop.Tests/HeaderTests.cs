using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using N3ttrace.Interop;

namespace N3ttrace.Interop.Tests;

/// <summary>
/// Every constant and struct of <see cref="LibC"/> checked against the C headers of each architecture
/// n3ttrace builds for: a C file of _Static_asserts generated from the C# values is compiled with
/// x86-64's headers (this machine's) and with arm64's (Debian's libc6-dev-arm64-cross and
/// linux-libc-dev-arm64-cross, installed by make). Nothing has to run on arm64.
/// </summary>
public class HeaderTests
{
    private const string Arm64Include = "/usr/aarch64-linux-gnu/include";

    private static readonly string[] Headers =
        ["time.h", "sys/stat.h", "fcntl.h", "unistd.h", "sys/mman.h", "sys/resource.h", "sys/socket.h", "sys/file.h", "sys/mount.h"];

    /// <summary>C# struct, C struct, and C# field to C member.</summary>
    private static readonly (Type Type, string C, (string Field, string Member)[] Fields)[] Structs =
    [
        (typeof(LibC.Timespec), "struct timespec", [("Sec", "tv_sec"), ("Nsec", "tv_nsec")]),
        (typeof(LibC.Statx), "struct statx", [("Mask", "stx_mask"), ("Uid", "stx_uid"), ("Gid", "stx_gid"), ("Mode", "stx_mode"), ("Ino", "stx_ino"), ("Size", "stx_size"), ("RdevMajor", "stx_rdev_major"), ("RdevMinor", "stx_rdev_minor"), ("DevMajor", "stx_dev_major"), ("DevMinor", "stx_dev_minor")]),
    ];

    /// <summary>Name and value of every constant: LibC's own, then the architecture's.</summary>
    internal static List<(string Name, long Value)> Constants(Type arch) =>
        [.. Fields(typeof(LibC)), .. Fields(arch)];

    private static IEnumerable<(string, long)> Fields(Type t) =>
        t.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (f.Name, Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)));

    internal static string Source(Type arch)
    {
        var c = new StringBuilder("#define _GNU_SOURCE\n#include <stddef.h>\n");
        foreach (var h in Headers)
        {
            c.Append($"#include <{h}>\n");
        }
        foreach (var (name, value) in Constants(arch))
        {
            c.Append($"_Static_assert((long long)({name}) == {value}LL, \"{name} is not {value}\");\n");
        }
        foreach (var (type, cName, fields) in Structs)
        {
            c.Append($"_Static_assert(sizeof({cName}) == {Marshal.SizeOf(type)}, \"sizeof {cName}\");\n");
            foreach (var (field, member) in fields)
            {
                var offset = Marshal.OffsetOf(type, field);
                var size = Marshal.SizeOf(type.GetField(field)!.FieldType);
                c.Append($"_Static_assert(offsetof({cName}, {member}) == {offset}, \"offset of {cName}.{member}\");\n");
                c.Append($"_Static_assert(sizeof((({cName} *)0)->{member}) == {size}, \"size of {cName}.{member}\");\n");
            }
        }
        return c.ToString();
    }

    /// <summary>Compiles the asserts for arch; returns clang's exit code and messages.</summary>
    internal static (int Exit, string Output) Compile(string source, bool arm64)
    {
        var file = Path.Combine(Path.GetTempPath(), $"n3t-libc-{Guid.NewGuid():N}.c");
        File.WriteAllText(file, source);
        try
        {
            var psi = new ProcessStartInfo("clang") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in arm64
                ? ["--target=aarch64-linux-gnu", "-nostdinc", "-isystem", ResourceInclude(), "-isystem", Arm64Include]
                : new[] { "--target=x86_64-linux-gnu" })
            {
                psi.ArgumentList.Add(a);
            }
            foreach (var a in new[] { "-fsyntax-only", "-std=c11", file })
            {
                psi.ArgumentList.Add(a);
            }
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output + err.Result);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string ResourceInclude()
    {
        using var p = Process.Start(new ProcessStartInfo("clang", "-print-resource-dir") { RedirectStandardOutput = true })!;
        var dir = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return Path.Combine(dir, "include");
    }

    [Fact]
    public void The_x64_constants_and_structs_match_the_x64_headers()
    {
        var (exit, output) = Compile(Source(typeof(LibC.X64)), arm64: false);
        Assert.True(exit == 0, output);
    }

    [Fact]
    public void The_arm64_constants_and_structs_match_the_arm64_headers()
    {
        Assert.True(Directory.Exists(Path.Combine(Arm64Include, "asm")), $"no arm64 headers in {Arm64Include}: make deps installs libc6-dev-arm64-cross and linux-libc-dev-arm64-cross");
        var (exit, output) = Compile(Source(typeof(LibC.Arm64)), arm64: true);
        Assert.True(exit == 0, output);
    }

    [Fact]
    public void The_check_fails_where_the_architectures_differ()
    {
        // Guards the test itself: x86-64's O_NOFOLLOW against arm64's headers must not compile.
        var (exit, output) = Compile(Source(typeof(LibC.X64)), arm64: true);
        Assert.NotEqual(0, exit);
        Assert.Contains("O_NOFOLLOW is not", output, StringComparison.Ordinal);
    }

    [Fact]
    public void This_process_uses_the_values_of_its_own_architecture()
    {
        var arch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? typeof(LibC.Arm64) : typeof(LibC.X64);
        Assert.Equal(Fields(arch).Single(f => f.Item1 == "O_NOFOLLOW").Item2, LibC.O_NOFOLLOW);
        Assert.Equal(Fields(arch).Single(f => f.Item1 == "O_DIRECTORY").Item2, LibC.O_DIRECTORY);
        Assert.True(Constants(arch).Count >= 25, "the constants were found by reflection");
    }
}
