namespace N3ttrace.Trail.Export;

/// <summary>A file of a bundle: its path under the bundle's top-level directory and its bytes.</summary>
public sealed record BundleFile(string Name, byte[] Content);
