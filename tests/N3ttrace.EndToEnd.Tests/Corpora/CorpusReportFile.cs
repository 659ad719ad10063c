using System.Text;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// Each corpus run writes its section to artifacts/corpus-report/PART.txt; artifacts/corpus-report.txt is the sections
/// that exist, in a fixed order, so the lead can quote one file after `make test`.
/// </summary>
internal static class CorpusReportFile
{
    private static readonly string[] Parts = ["attack-tuning", "attack-heldout", "benign"];
    private static readonly Lock Gate = new();

    public static string Dir => Path.Combine(Repo.Root, "artifacts", "corpus-report");

    public static void Write(string part, string text)
    {
        lock (Gate)
        {
            Directory.CreateDirectory(Dir);
            File.WriteAllText(Path.Combine(Dir, part + ".txt"), $"[{part}: run ended {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC]\n{text}");
            var all = new StringBuilder("n3ttrace detection corpora (docs/detection-corpora.md)\n\n");
            foreach (var p in Parts)
            {
                var file = Path.Combine(Dir, p + ".txt");
                all.AppendLine(File.Exists(file) ? File.ReadAllText(file) : $"== {p}: not run in this test run ==\n");
            }
            File.WriteAllText(Path.Combine(Repo.Root, "artifacts", "corpus-report.txt"), all.ToString());
        }
    }
}
