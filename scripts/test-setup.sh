#!/usr/bin/env bash
# Installs what the test suite needs and is missing on this machine.
# Everything comes from the package registries; nothing is downloaded from
# anywhere else.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v python3 >/dev/null || need_apt+=(python3)
command -v curl >/dev/null || need_apt+=(curl)
command -v npm >/dev/null || need_apt+=(nodejs npm)
command -v psql >/dev/null || need_apt+=(postgresql-client)
command -v wrk >/dev/null || need_apt+=(wrk)
# Browser tests drive Debian's Chromium (no browser download).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# Slides (.pptx, .odp …) are converted by LibreOffice Impress; without its
# recommends it is an 86 MB download (200 MB installed).
lean_apt=()
command -v soffice >/dev/null || lean_apt+=(libreoffice-impress)
apt_install() {
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq "$@"; else sudo apt-get install -y -qq "$@"; fi
}
if [ ${#need_apt[@]} -gt 0 ] || [ ${#lean_apt[@]} -gt 0 ]; then
  echo "test-setup: installing ${need_apt[*]} ${lean_apt[*]} from Debian"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq; else sudo apt-get update -qq; fi
  [ ${#need_apt[@]} -eq 0 ] || apt_install "${need_apt[@]}"
  [ ${#lean_apt[@]} -eq 0 ] || apt_install --no-install-recommends "${lean_apt[@]}"
fi
# The S3 tests run against s3s-fs, which checks SigV4 signatures and
# presigned URLs for real (newer releases need a newer Rust).
if ! command -v s3s-fs >/dev/null 2>&1; then
  echo "test-setup: installing s3s-fs 0.14.1 (S3 test server) from crates.io, ~3 minutes"
  cargo install s3s-fs@0.14.1 --features binary --locked
fi
# The e-mail tests deliver to a real SMTP server: aiosmtpd, from PyPI.
if ! python3 -c "import aiosmtpd" >/dev/null 2>&1; then
  echo "test-setup: installing aiosmtpd (SMTP test server) from PyPI"
  python3 -m pip install --quiet "aiosmtpd==1.4.6"
fi
# The Procfile is tested under a real Procfile runner: honcho, from PyPI.
if ! python3 -c "import honcho" >/dev/null 2>&1; then
  echo "test-setup: installing honcho (Procfile runner) from PyPI"
  python3 -m pip install --quiet "honcho==2.0.0"
fi
# The API is fuzzed against its own OpenAPI document: schemathesis, from PyPI.
if ! command -v st >/dev/null 2>&1; then
  echo "test-setup: installing schemathesis (API fuzzer) from PyPI"
  python3 -m pip install --quiet "schemathesis==4.32.5"
fi
if ! cargo nextest --version >/dev/null 2>&1; then
  echo "test-setup: cargo-nextest not found; tests will run with 'cargo test'"
fi
echo "test-setup: ok"
