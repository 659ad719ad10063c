namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// The pinned kernel side cannot be taken over (another build's layout, a wrong owner or mode, another consumer):
/// `run` stops with this message rather than fall back or mix layouts.
/// </summary>
public sealed class PinMismatchException(string message) : Exception(message);
