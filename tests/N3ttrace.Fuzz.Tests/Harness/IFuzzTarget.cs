namespace N3ttrace.Fuzz.Tests.Harness;

/// <summary>
/// One fuzzed input surface. <see cref="Execute"/> runs the product code on one input and throws
/// <see cref="FuzzFinding"/> when a property breaks; any other exception escaping it is a crash.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>Directory name under FuzzCorpus/.</summary>
    string Name { get; }

    /// <summary>Seed inputs made at run time from the real writers (trails, bundles), beside the committed corpus.</summary>
    IEnumerable<byte[]> GeneratedSeeds();

    /// <summary>The next input: usually <see cref="Mutator.Apply"/> on a seed; structured targets mutate inside their container.</summary>
    byte[] Mutate(byte[] seed, Mutation[] steps, byte[] donor) => Mutator.Apply(seed, steps, donor);

    void Execute(byte[] input);
}
