#!/usr/bin/env bash
# Says which database backends the integration tests will use. SQLite is
# always tested; PostgreSQL and MariaDB when reachable. Unreachable ones are
# skipped with this message (and by each test), or fail the run when
# CRITBOARD_TEST_REQUIRE_BACKENDS=1 (CI).
pg_url=${CRITBOARD_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
my_url=${CRITBOARD_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/test}
hostport() { echo "$1" | sed -E 's#^[a-z]+://([^@/]*@)?([^/:]+):?([0-9]*)/.*#\2 \3#'; }
probe() { # name url default-port
  read -r host port <<<"$(hostport "$2")"
  port=${port:-$3}
  if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
    echo "backends: $1 reachable at $host:$port: its tests will run"
  elif [ "${CRITBOARD_TEST_REQUIRE_BACKENDS:-}" = 1 ]; then
    echo "backends: $1 NOT reachable at $host:$port, and CRITBOARD_TEST_REQUIRE_BACKENDS=1" >&2
    exit 1
  else
    echo "backends: $1 not reachable at $host:$port: its tests will be SKIPPED"
  fi
}
echo "backends: SQLite: always tested"
probe PostgreSQL "$pg_url" 5432
probe MariaDB/MySQL "$my_url" 3306
if command -v s3s-fs >/dev/null 2>&1; then
  echo "backends: S3 (s3s-fs): its tests will run"
else
  echo "backends: S3 (s3s-fs) not installed: its tests will be SKIPPED"
fi
