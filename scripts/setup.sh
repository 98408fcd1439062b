#!/usr/bin/env bash
# Installs what netscore needs on Debian/Ubuntu, then its npm dependencies, then builds it.
# Usage: scripts/setup.sh [--test|--bench]   (also install the tools the tests or benchmarks run)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libpcap-dev)
if [[ "${1:-}" == "--bench" ]]; then
  # References of the benchmarks: tcpdump, tcpreplay, scikit-learn, nfpcapd (from nfdump).
  packages+=(tcpdump tcpreplay python3-sklearn nfdump)
fi
if [[ "${1:-}" == "--test" ]]; then
  # Real tools the tests use as oracles and peers: tshark's counts, tcpdump and iproute2 for
  # live capture, promtool/Prometheus/Alertmanager for the bundle, docker-compose to validate
  # the compose file, Chromium for the landing-page test.
  packages+=(tcpdump tshark iproute2 prometheus prometheus-alertmanager docker-compose chromium)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A re-run with nothing to rebuild takes seconds: npm ci (which also builds the native addon) only when
# package-lock.json changed since the last install, the addon only when native/ changed, the TypeScript
# only when a source is newer than the last build.
newer() { [[ ! -e $1 ]] || [[ -n $(find "${@:2}" -newer "$1" -print -quit) ]]; }
if newer node_modules/.package-lock.json package-lock.json; then
  npm ci --no-audit --no-fund
elif newer build/Release/netscore_pcap.node native binding.gyp; then
  npm run build:native
fi
if newer dist/build-info.json src tsconfig.json package.json; then
  npm run build
fi
