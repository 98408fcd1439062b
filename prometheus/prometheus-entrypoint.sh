#!/bin/sh
# Start Prometheus scraping netscore on the port netscore listens on.
#
# Used by docker-compose.yml. Copies /etc/prometheus/prometheus.yml to a
# writable directory with the netscore target `localhost:10811` changed to
# the port of NETSCORE_WEB_LISTEN_ADDRESS (its first address when several are
# comma-separated; host:port, :port or [ipv6]:port), links the rules next to
# it, then execs Prometheus with the remaining arguments. Unset or empty, the
# target stays localhost:10811, as in a bare-metal install.
set -eu

SRC_DIR=${NETSCORE_PROM_SRC_DIR:-/etc/prometheus}
OUT_DIR=${NETSCORE_PROM_OUT_DIR:-/tmp/netscore-prometheus}
PROMETHEUS_BIN=${PROMETHEUS_BIN:-/bin/prometheus}

address=${NETSCORE_WEB_LISTEN_ADDRESS:-:10811}
address=${address%%,*}
port=${address##*:}
case "$port" in
  ''|*[!0-9]*) echo "prometheus-entrypoint: NETSCORE_WEB_LISTEN_ADDRESS=\"$address\" has no port number" >&2; exit 2 ;;
esac

mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR/rules"
ln -s "$SRC_DIR/rules" "$OUT_DIR/rules"
sed "s/^\( *- \)localhost:10811\$/\1localhost:$port/" "$SRC_DIR/prometheus.yml" > "$OUT_DIR/prometheus.yml"

exec "$PROMETHEUS_BIN" --config.file="$OUT_DIR/prometheus.yml" "$@"
