namespace N3ttrace.Trail;

public enum DamageKind
{
    /// <summary>A row's bytes do not match its hash, or its predecessor was rewritten.</summary>
    Edit,
    /// <summary>Rows are missing from the middle of a chain.</summary>
    Deletion,
    /// <summary>Rows appear out of their chained order (moved, swapped, duplicated).</summary>
    Reordering,
    /// <summary>The end of a file is gone: an incomplete last line, or fewer rows than a checkpoint sealed.</summary>
    Truncation,
    /// <summary>A seal does not verify with the key of its epoch, or claims an impossible time or epoch.</summary>
    Seal,
}
