namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>How the command interpreter's stdio reaches the network in a scenario (the four shapes, plus none).</summary>
internal enum Wiring
{
    /// <summary>The shell's fd 0/1/2 are the connected socket (or a socketpair to the process holding it).</summary>
    Socket,

    /// <summary>One anonymous pipe hop to a process that holds the connection.</summary>
    Pipe,

    /// <summary>A named pipe (mkfifo) hop.</summary>
    Fifo,

    /// <summary>The shell sits on a pty whose master is held by the process with the connection.</summary>
    Pty,

    /// <summary>No interpreter on the wire: a relay or tunnel (one process inbound and outbound).</summary>
    Relay,

    /// <summary>No interpreter on the wire: a beacon or a payload that only fetches.</summary>
    None,
}
