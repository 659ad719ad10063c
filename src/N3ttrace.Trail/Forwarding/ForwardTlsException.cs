namespace N3ttrace.Trail.Forwarding;

/// <summary>A TLS option that cannot be used (missing, unreadable or malformed file); the message is one line for the operator.</summary>
public sealed class ForwardTlsException(string message) : Exception(message);
