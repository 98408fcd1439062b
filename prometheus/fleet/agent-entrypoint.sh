#!/bin/sh
# Start Prometheus in agent mode for one netscore sensor of a fleet.
#
# Used by the `prometheus-agent` service of docker-compose.yml (profile
# "fleet"); works the same on a machine without docker. Copies
# prometheus/fleet/agent.yml to a writable directory with these values, then
# execs Prometheus with --config.file and the remaining arguments:
#
#   NETSCORE_SENSOR        -> external label `sensor`      (default: the host name)
#   FLEET_REMOTE_WRITE_URL -> remote_write url             (required)
#   FLEET_SCRAPE_TARGET    -> the netscore scrape target   (default: as in agent.yml)
#
# Values are written as YAML single-quoted strings (a quote is doubled).
set -eu

SRC=${NETSCORE_AGENT_SRC:-/etc/netscore/agent.yml}
OUT_DIR=${NETSCORE_AGENT_OUT_DIR:-/tmp/netscore-agent}

if [ -z "${FLEET_REMOTE_WRITE_URL:-}" ]; then
  echo "netscore agent: FLEET_REMOTE_WRITE_URL is not set; set it to the central store's remote-write URL, e.g. http://central.example.net:9090/api/v1/write (docs/scaling.md)" >&2
  exit 2
fi
NETSCORE_SENSOR=${NETSCORE_SENSOR:-$(hostname)}
if [ -z "$NETSCORE_SENSOR" ]; then
  echo "netscore agent: NETSCORE_SENSOR is not set and the host has no name; set NETSCORE_SENSOR to a name unique in the fleet" >&2
  exit 2
fi
export NETSCORE_SENSOR

mkdir -p "$OUT_DIR"
awk -v q="'" '
function yq(v) { gsub(q, q q, v); return q v q }
function setkey(key, value, before, after,   m) {
  if (!match($0, "^[ \t]*" key ":")) return 0
  m = substr($0, 1, RLENGTH)
  print m " " before yq(value) after
  return 1
}
{
  if (setkey("sensor", ENVIRON["NETSCORE_SENSOR"], "", "")) next
  if (setkey("- url", ENVIRON["FLEET_REMOTE_WRITE_URL"], "", "")) next
  if (ENVIRON["FLEET_SCRAPE_TARGET"] != "" && setkey("- targets", ENVIRON["FLEET_SCRAPE_TARGET"], "[", "]")) next
  print
}' "$SRC" > "$OUT_DIR/agent.yml"

exec "${PROMETHEUS_BIN:-/bin/prometheus}" --config.file="$OUT_DIR/agent.yml" "$@"
