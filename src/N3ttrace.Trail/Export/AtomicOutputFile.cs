namespace N3ttrace.Trail.Export;

/// <summary>
/// An output written to a temporary file beside its destination and renamed into place on Commit:
/// a failed or interrupted export never leaves a half-written file under the requested name.
/// </summary>
public sealed class AtomicOutputFile : IDisposable
{
    private readonly string _tmp;
    private bool _committed;

    public string Path { get; }
    public FileStream Stream { get; }

    private AtomicOutputFile(string path, string tmp, FileStream stream)
    {
        Path = path;
        _tmp = tmp;
        Stream = stream;
    }

    /// <exception cref="IOException">With a message naming the path and the reason.</exception>
    public static AtomicOutputFile Create(string path, bool overwrite)
    {
        if (path.Length == 0)
        {
            throw new IOException("cannot write '': the output file name is empty");
        }
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
        {
            throw new IOException($"cannot write {full}: directory {dir} does not exist");
        }
        if (Directory.Exists(full))
        {
            throw new IOException($"cannot write {full}: it is a directory");
        }
        if (File.Exists(full) && !overwrite)
        {
            throw new IOException($"{full} already exists; choose another --output or pass --force");
        }
        var tmp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(full)}.{Environment.ProcessId}.partial");
        try
        {
            var fs = new FileStream(tmp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.ReadWrite,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                BufferSize = 1 << 16,
            });
            return new AtomicOutputFile(full, tmp, fs);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"cannot write {full}: {e.Message}", e);
        }
    }

    public void Commit()
    {
        Stream.Flush(flushToDisk: true);
        Stream.Dispose();
        File.Move(_tmp, Path, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        Stream.Dispose();
        if (!_committed)
        {
            File.Delete(_tmp);
        }
    }
}
