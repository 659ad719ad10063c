using Microsoft.Win32.SafeHandles;

namespace N3ttrace.Trail;

/// <summary>A trail file opened by descriptor (<see cref="TrailReader.OpenShared"/>) that still knows its path:
/// the reader finds the dictionaries of a format-2 trail beside it.</summary>
internal sealed class TrailFileStream(SafeFileHandle handle, int bufferSize, string path) : FileStream(handle, FileAccess.Read, bufferSize)
{
    public override string Name => path;
}
