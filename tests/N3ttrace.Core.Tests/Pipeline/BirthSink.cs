using N3ttrace.Connections;
using N3ttrace.Pipeline;

namespace N3ttrace.Core.Tests.Pipeline;

/// <summary>Keeps every connection the pipeline reports born.</summary>
internal sealed class BirthSink : PipelineSink
{
    public List<Connection> Births { get; } = [];

    public override void OnBirth(Connection c) => Births.Add(c);
}
