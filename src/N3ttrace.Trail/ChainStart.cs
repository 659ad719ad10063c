namespace N3ttrace.Trail;

/// <summary>
/// Where a part of a chained file begins when the rows before it are not at hand (an export bundle holds only the
/// window's segments): the chain_seq and the chain hash of the row just before the part's first row. Verification
/// then starts from this hash instead of the genesis; a checkpoint that seals a row of the part proves the start.
/// </summary>
public sealed record ChainStart(long Seq, string Hash);
