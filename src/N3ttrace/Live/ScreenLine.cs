using N3ttrace.Connections;

namespace N3ttrace.Cli.Live;

/// <summary>One line of a laid-out frame: display-safe text, never wider than the layout width, and the risk level that colours it (null: header).</summary>
public readonly record struct ScreenLine(string Text, RiskLevel? Level);
