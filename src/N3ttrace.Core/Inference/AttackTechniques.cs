namespace N3ttrace.Inference;

/// <summary>Names and tactics of the MITRE ATT&amp;CK techniques the rules cite (for OCSF's attacks array and explain).</summary>
public static class AttackTechniques
{
    private static readonly Dictionary<string, (string Name, string TacticUid, string Tactic)> Known = new(StringComparer.Ordinal)
    {
        ["T1059"] = ("Command and Scripting Interpreter", "TA0002", "Execution"),
        ["T1059.004"] = ("Command and Scripting Interpreter: Unix Shell", "TA0002", "Execution"),
        ["T1059.006"] = ("Command and Scripting Interpreter: Python", "TA0002", "Execution"),
        ["T1059.007"] = ("Command and Scripting Interpreter: JavaScript", "TA0002", "Execution"),
        ["T1071"] = ("Application Layer Protocol", "TA0011", "Command and Control"),
        ["T1029"] = ("Scheduled Transfer", "TA0010", "Exfiltration"),
        ["T1572"] = ("Protocol Tunneling", "TA0011", "Command and Control"),
        ["T1090"] = ("Proxy", "TA0011", "Command and Control"),
        ["T1190"] = ("Exploit Public-Facing Application", "TA0001", "Initial Access"),
        ["T1505.003"] = ("Server Software Component: Web Shell", "TA0003", "Persistence"),
        ["T1620"] = ("Reflective Code Loading", "TA0005", "Defense Evasion"),
        ["T1070.004"] = ("Indicator Removal: File Deletion", "TA0005", "Defense Evasion"),
        ["T1036"] = ("Masquerading", "TA0005", "Defense Evasion"),
        ["T1036.004"] = ("Masquerading: Masquerade Task or Service", "TA0005", "Defense Evasion"),
        ["T1036.005"] = ("Masquerading: Match Legitimate Name or Location", "TA0005", "Defense Evasion"),
    };

    public static (string Name, string TacticUid, string Tactic) Describe(string id) =>
        Known.TryGetValue(id, out var d) ? d : ("", "", "");
}
