using N3ttrace.Lineage;

namespace N3ttrace.Pipeline;

/// <summary>
/// Per-process text of a birth record that only changes with the process (its facts and ancestry
/// chain), remembered for the processes that connected last: a busy process opens thousands of
/// sockets under one context. Direct-mapped, fixed size; owned by the pipeline loop (not thread-safe).
/// </summary>
internal sealed class ProcessTextCache
{
    private const int Slots = 256;
    private readonly (ProcessNode? Node, ProcessContext? Context, string? Comm, IReadOnlyList<string> Facts, string Ancestry)[] _slots =
        new (ProcessNode?, ProcessContext?, string?, IReadOnlyList<string>, string)[Slots];

    public (IReadOnlyList<string> Facts, string Ancestry) Get(ProcessNode? node, ProcessContext ctx, string comm)
    {
        ref var e = ref _slots[(int)((uint)System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(ctx) % Slots)];
        if (!ReferenceEquals(e.Context, ctx) || !ReferenceEquals(e.Node, node) || e.Comm != comm)
        {
            e = (node, ctx, comm, ProcessFacts.Of(comm, ctx), node?.Ancestry(comm) ?? "");
        }
        return (e.Facts, e.Ancestry);
    }
}
