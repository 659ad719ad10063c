namespace N3ttrace.Trail.Segments;

/// <summary>
/// A small file of zeros kept in the state directory while pruning is on: on a full disk it is removed to make room for
/// the prune anchors (which must be written and sealed before any segment may go), then made again.
/// </summary>
public sealed class DiskReserve(StateDirectory dir)
{
    public const string FileName = "disk.reserve";
    public const int Bytes = 256 * 1024;

    /// <summary>Makes the reserve if it is missing; false (and nothing left behind) when there is no room for it.</summary>
    public bool Ensure()
    {
        if (dir.FileExists(FileName))
        {
            return true;
        }
        try
        {
            using var fs = dir.CreateNew(FileName);
            fs.Write(new byte[Bytes]);
            fs.Flush(flushToDisk: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or StateDirectoryException)
        {
            Release();
            return false;
        }
    }

    /// <summary>Frees the reserve's room.</summary>
    public void Release()
    {
        try
        {
            File.Delete(dir.FilePath(FileName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
