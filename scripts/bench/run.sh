#!/usr/bin/env bash
# Runs every benchmark against a release build and prints its figures.
# Results of the last run are recorded by hand in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v wrk >/dev/null; then
  echo "bench: installing wrk (HTTP load generator) from Debian"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; \
  else sudo apt-get update -qq && sudo apt-get install -y -qq wrk; fi
fi
cargo build --release --bin critboard
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sr)"
python3 scripts/bench/foundation.py "$@"
