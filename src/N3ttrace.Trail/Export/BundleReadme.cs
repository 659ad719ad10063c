namespace N3ttrace.Trail.Export;

/// <summary>README.txt of every bundle: what is in it and how to check it, for whoever receives it.</summary>
public static class BundleReadme
{
    public const string Text = """
n3ttrace export bundle
======================

What this is
  The outbound-connection trail of one host for one time window, written by `n3ttrace export`.
  manifest.json      host (name, machine id, boot ids, kernel), n3ttrace version, window, record
                     counts, chain heads, case id and examiner, export time
  birth_records.tsv  one birth certificate per connection seen in the window (who connected:
                     process, command line, cwd, ancestry; where to: mask and keyed hash only)
  snapshots.tsv      the timeline: birth, fail, death and risk-level events stamped in the window
  trail/             the chain proof: the segments that hold the window, where their chain starts
                     (chain_starts.tsv) and the checkpoints that seal them; `verify --bundle` checks it
  verification.txt   what n3ttrace checked on the host when it exported
  SHA256SUMS         SHA-256 of every other file

How to verify (offline, on any machine)
  n3ttrace verify --bundle THIS.tar.gz
      checks every checksum, that SHA256SUMS lists every file and nothing else, and that the
      record counts in manifest.json match the files. Exit 0: intact; exit 1: names the damaged file.
  Without n3ttrace:
      tar -xzf THIS.tar.gz && cd DIRECTORY && sha256sum -c SHA256SUMS
  Compare the bundle's own SHA-256 (`sha256sum THIS.tar.gz`) with the one `n3ttrace export`
  printed when it was made, as recorded in your case notes.

Reading the records
  TSV, first line the column names. Text fields (cmdline, cwd, comm, exe) were written by the
  processes themselves and are escaped reversibly: \\ \t \n \r, and other control bytes, bidi
  controls and invalid UTF-8 as \xHH.
  Timestamps are ISO-8601 UTC with microseconds.

Looking an address up
  The trail never stores a remote address: only remote_masked (IPv4 /24, IPv6 /48), remote_scope
  and remote_hash = HMAC-SHA-256 under the host's secret key. To check whether the host talked to
  203.0.113.7 port 443, run ON THE HOST (it holds the key):
      n3ttrace hash-endpoint 203.0.113.7:443 --state-dir /path/to/.n3ttrace_state
  and search for the printed remote_hash:
      grep -F HASH snapshots.tsv birth_records.tsv
  The key does not leave the host and is not in this bundle, so the hashes cannot be reversed
  from the bundle alone.
""";
}
