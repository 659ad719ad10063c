using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using N3ttrace.Interop;

namespace N3ttrace.Cli.Live;

/// <summary>
/// An append-only text log that rolls by size (path → path.1 → … → path.keep, the oldest dropped)
/// and reopens its path on request (SIGHUP), so logrotate can move it away. Never follows a
/// symlink at the path. Used from one thread; <see cref="RequestReopen"/> from any.
/// </summary>
public sealed class RollingLog : IDisposable
{
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _keep;
    private FileStream? _file;
    private long _size;
    private volatile bool _reopen;

    public RollingLog(string path, long maxBytes, int keep)
    {
        if (maxBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytes), "must be positive");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        _path = Path.GetFullPath(path);
        _maxBytes = maxBytes;
        _keep = keep;
    }

    public string FullPath => _path;
    public long Rolls { get; private set; }
    public long Reopens { get; private set; }

    /// <summary>Asks the writer to close and reopen the path before its next write.</summary>
    public void RequestReopen() => _reopen = true;

    public void Write(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (_reopen)
        {
            _reopen = false;
            Close();
            Reopens++;
        }
        _file ??= Open();
        if (_size > 0 && _size + bytes.Length > _maxBytes)
        {
            Close();
            Roll();
            _file = Open();
        }
        _file.Write(bytes);
        _file.Flush();
        _size += bytes.Length;
    }

    private void Roll()
    {
        Rolls++;
        if (_keep == 0)
        {
            File.Delete(_path);
            return;
        }
        for (var i = _keep - 1; i >= 1; i--)
        {
            var from = $"{_path}.{i}";
            if (File.Exists(from) || new FileInfo(from).LinkTarget is not null)
            {
                File.Move(from, $"{_path}.{i + 1}", overwrite: true);
            }
        }
        File.Move(_path, $"{_path}.1", overwrite: true);
    }

    private FileStream Open()
    {
        var fd = LibC.Open(_path, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0x1a0);
        if (fd.IsInvalid)
        {
            fd.Dispose();
            throw new IOException($"cannot open {_path}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        var f = new FileStream(fd, FileAccess.Write, 1);
        _size = f.Length;
        return f;
    }

    private void Close()
    {
        _file?.Dispose();
        _file = null;
    }

    public void Dispose() => Close();
}
