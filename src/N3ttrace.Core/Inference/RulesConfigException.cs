namespace N3ttrace.Inference;

/// <summary>A rules file that cannot be used; the message names the file, the line and the problem.</summary>
public sealed class RulesConfigException(string message) : Exception(message);
