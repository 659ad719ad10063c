using System.Runtime.InteropServices;

namespace N3ttrace.Interop;

/// <summary>link(2): a second name for a file, used to cut a trail segment without a moment where the live name is missing.</summary>
public static partial class LibC
{
    [LibraryImport(Lib, EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string oldPath, string newPath);
}
