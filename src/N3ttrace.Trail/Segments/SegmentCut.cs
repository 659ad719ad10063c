using System.Runtime.InteropServices;
using System.Text;
using N3ttrace.Interop;

namespace N3ttrace.Trail.Segments;

/// <summary>
/// Cutting the live file of a chained trail into a sealed segment, without a moment where the live name is missing:
/// link the live file to its segment name, write a new file holding the header under a temporary name, fsync it,
/// rename it over the live name (the commit point), fsync the directory. A crash before the rename leaves the
/// segment as a second name of the live file (readers skip it by inode; the next start removes it) and maybe the
/// temporary file (removed); after it, the cut is whole.
/// </summary>
public static class SegmentCut
{
    /// <summary>The last sealed segment's header, last row and chain head: where the live file's chain goes on from.</summary>
    public sealed record Previous(string First, string Last, string Head);

    private static string TempName(string name) => name + ".cut";

    /// <summary>Cuts the live file (already synced) into segment <paramref name="number"/>; null on success, else why not
    /// (nothing changed).</summary>
    public static string? Cut(StateDirectory dir, string name, long number, byte[] header)
    {
        var live = dir.FilePath(name);
        var segment = dir.FilePath(TrailSegments.Name(name, number));
        var temp = dir.FilePath(TempName(name));
        if (LibC.Link(live, segment) != 0)
        {
            return $"cannot cut {live} into {segment}: {Marshal.GetLastPInvokeErrorMessage()}";
        }
        try
        {
            if (dir.FileExists(TempName(name)))
            {
                File.Delete(temp);
            }
            using (var fs = dir.CreateNew(TempName(name)))
            {
                fs.Write(header);
                fs.Flush(flushToDisk: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or StateDirectoryException)
        {
            TryDelete(temp);
            TryDelete(segment);
            return $"cannot cut {live}: {e.Message}";
        }
        try
        {
            File.Move(temp, live, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            TryDelete(segment);
            return $"cannot cut {live}: {e.Message}";
        }
        try
        {
            dir.SyncDirectory();
        }
        catch (IOException)
        {
            // The rename is done: the cut stands (a crash before the directory reaches the disk undoes it whole).
        }
        return null;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// At open: finishes or undoes a cut a crash interrupted (a segment that is still the live file is removed, a
    /// temporary file too), and returns the last segment's end, or null when the file has no segment.
    /// </summary>
    public static Previous? Recover(StateDirectory dir, string name, FileStream live)
    {
        if (!TrailSegments.Segmented(name))
        {
            return null;
        }
        if (dir.FileExists(TempName(name)))
        {
            File.Delete(dir.FilePath(TempName(name)));
        }
        var segments = TrailSegments.List(dir.Path, name);
        if (segments.Count == 0)
        {
            return null;
        }
        var last = segments[^1];
        var liveIno = TrailStream.OpenChecked(live.SafeFileHandle, dir.FilePath(name)).Ino;
        if (!last.Compressed && LibC.StatX(LibC.AT_FDCWD, last.Path, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, out var st) == 0 && st.Ino == liveIno)
        {
            File.Delete(last.Path); // the cut never completed: the rows are still the live file's
            dir.SyncDirectory();
            return Recover(dir, name, live);
        }
        return SegmentEnd.Read(last);
    }
}
