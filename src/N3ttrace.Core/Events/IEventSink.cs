namespace N3ttrace.Events;

/// <summary>
/// Where a capture source writes its events (the pipeline, in n3ttrace run). Thread-safe; never drops:
/// it may hold the caller back while its queue is full, so the kernel ring buffer absorbs a burst.
/// </summary>
public interface IEventSink
{
    void Post(CaptureEvent e);
}
