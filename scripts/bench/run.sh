#!/usr/bin/env bash
# Runs every benchmark against a release build and prints its figures.
# Results of the last run are recorded by hand in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v vipsthumbnail >/dev/null || need+=(libvips-tools)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]} from Debian"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}"; \
  else sudo apt-get update -qq && sudo apt-get install -y -qq "${need[@]}"; fi
fi
make build  # the web app too: the last benchmark loads it in Chromium
cargo build --release -p critboard-files --example thumbnail
cargo build --release -p critboard-server --example fanout
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sr)"
python3 scripts/bench/foundation.py
python3 scripts/bench/board_list.py
python3 scripts/bench/operate.py
python3 scripts/bench/images.py
python3 scripts/bench/hostile.py
python3 scripts/bench/upload.py
python3 scripts/bench/discussion.py
python3 scripts/bench/live.py
python3 scripts/bench/digest.py
python3 scripts/bench/digest.py --workers 4
python3 scripts/bench/capture.py
python3 -c "import pypdfium2, PIL" 2>/dev/null || python3 -m pip install --quiet pypdfium2 pillow
python3 scripts/bench/deck.py
(cd web && node e2e/bench-board.mjs)
