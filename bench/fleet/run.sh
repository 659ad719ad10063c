#!/usr/bin/env bash
# Fleet shipping throughput: a synthetic trail (dev-trail, the real TrailSink) shipped into a ClickHouse 18.16 of its own
# on loopback; prints rows/s. Usage: bench/fleet/run.sh [EVENTS] (default 300000). N3TTRACE=path overrides the binary.
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS=${1:-300000}
BIN=${N3TTRACE:-bin/.app/n3ttrace}
[ -x "$BIN" ] || BIN=src/N3ttrace/bin/Release/net10.0/n3ttrace   # dotnet build -c Release
dotnet build bench/trail/TrailBench.csproj -c Release --nologo -v q >&2
TB=bench/trail/bin/Release/net10.0/trail-bench
WORK=$(mktemp -d /tmp/n3t-fleet-bench.XXXXXX)
CH_PID=""
cleanup() { if [ -n "$CH_PID" ]; then kill "$CH_PID" 2>/dev/null || true; wait "$CH_PID" 2>/dev/null || true; fi; rm -rf "$WORK"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP=$(port); TCP=$(port)
cat > "$WORK/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$WORK/server.log</log><errorlog>$WORK/error.log</errorlog><console>0</console></logger>
  <http_port>$HTTP</http_port><tcp_port>$TCP</tcp_port><listen_host>127.0.0.1</listen_host>
  <path>$WORK/data/</path><tmp_path>$WORK/tmp/</tmp_path><user_files_path>$WORK/uf/</user_files_path><format_schema_path>$WORK/fs/</format_schema_path>
  <mark_cache_size>53687091</mark_cache_size><users_config>users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database><timezone>UTC</timezone>
</yandex>
XML
cat > "$WORK/users.xml" <<XML
<?xml version="1.0"?>
<yandex><profiles><default/></profiles><users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users><quotas><default/></quotas></yandex>
XML
/usr/sbin/clickhouse-server --config-file="$WORK/config.xml" >/dev/null 2>&1 &
CH_PID=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$HTTP/?query=SELECT%201" >/dev/null && break; sleep 0.2; done
URL="clickhouse://127.0.0.1:$HTTP/n3ttrace"
"$TB" --state-dir "$WORK/trail" --events "$EVENTS" --step-ms 5 --active 1000 --seed 7 >/dev/null
"$BIN" fleet init --clickhouse "$URL"
start=$(date +%s.%N)
"$BIN" ship --clickhouse "$URL" --state-dir "$WORK/trail" --host bench1
end=$(date +%s.%N)
rows=$(curl -s "http://127.0.0.1:$HTTP/" --data-binary "SELECT (SELECT count() FROM n3ttrace.connections) + (SELECT count() FROM n3ttrace.processes) + (SELECT count() FROM n3ttrace.verdict_changes) + (SELECT count() FROM n3ttrace.gaps) + (SELECT count() FROM n3ttrace.chain_heads)")
conns=$(curl -s "http://127.0.0.1:$HTTP/" --data-binary "SELECT count() FROM n3ttrace.connections FINAL")
python3 - "$start" "$end" "$rows" "$conns" <<PY
import sys
s, e, rows, conns = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"fleet ship: {rows} rows ({conns} connection rows after FINAL) in {e-s:.2f} s = {rows/(e-s):,.0f} rows/s (whole command: read, join, insert)")
PY
# Query speed over what was shipped.
qs=$(date +%s.%N); "$BIN" fleet query --clickhouse "$URL" --level THREAT --format tsv >/dev/null; qe=$(date +%s.%N)
python3 -c "print(f'fleet query --level THREAT: {float(\"$qe\")-float(\"$qs\"):.2f} s')"
