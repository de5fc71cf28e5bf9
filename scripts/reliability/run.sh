#!/usr/bin/env bash
# Tries to break Critboard the way production does (issue 17 §2). Any lost
# or doubled write, stray object or stuck job fails the run.
#   scripts/reliability/run.sh          the full run (`make reliability`)
#   scripts/reliability/run.sh --short  the shortened run in `make test`
# PostgreSQL runs (the crash run, and the outage run that restarts the
# machine's cluster) are skipped, with a line saying so, when it is not
# reachable, and fail instead under CRITBOARD_TEST_REQUIRE_BACKENDS=1 (CI).
set -euo pipefail
cd "$(dirname "$0")/../.."
kills=20 seconds=60
[ "${1:-}" = --short ] && kills=4 seconds=10
pg_url=${CRITBOARD_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
python3 scripts/reliability/disk_full.py
python3 scripts/reliability/crash.py --backend sqlite --kills "$kills"
python3 scripts/reliability/load.py --backend sqlite --seconds "$seconds"
if psql "$pg_url" -qc 'SELECT 1' >/dev/null 2>&1; then
  python3 scripts/reliability/crash.py --backend postgres --kills "$kills"
  python3 scripts/reliability/load.py --backend postgres --seconds "$seconds"
  python3 scripts/reliability/db_outage.py
elif [ "${CRITBOARD_TEST_REQUIRE_BACKENDS:-}" = 1 ]; then
  echo "reliability: PostgreSQL is not reachable at $pg_url" >&2
  exit 1
else
  echo "reliability: PostgreSQL not reachable: its runs are SKIPPED"
fi
