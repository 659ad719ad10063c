using System.Runtime.InteropServices;

namespace N3ttrace.Interop;

/// <summary>
/// The one binding of the libc calls .NET does not expose, one partial file per C header
/// (LibC.Time.cs is time.h, ...). Constants are named as in C so tests/N3ttrace.Interop.Tests can
/// compile them against each architecture's headers; the few whose value differs by architecture
/// live in <see cref="X64"/> and <see cref="Arm64"/> and are chosen once, at start. Native
/// resources come back as SafeHandles.
/// </summary>
public static partial class LibC
{
    private const string Lib = "libc";

    /// <summary>The architectures whose constants this binding knows (checked by the header test).</summary>
    public static bool IsArm64 { get; } = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => false,
        Architecture.Arm64 => true,
        var a => throw new PlatformNotSupportedException($"n3ttrace knows the libc constants of x86-64 and arm64, not of {a}"),
    };
}
