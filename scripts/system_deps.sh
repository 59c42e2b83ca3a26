#!/usr/bin/env bash
# Install the Debian packages HikiScreen needs, if any is missing. Used by the Makefile,
# .ci/run and the Dockerfile, so all three install the same things.
#   scripts/system_deps.sh runtime   WeasyPrint's libraries and the report fonts (Noto, CJK)
#   scripts/system_deps.sh test      runtime + poppler-utils (reading PDFs) + chromium (browser tests)
set -euo pipefail
group=${1:-runtime}
runtime=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-noto-cjk)
test=(poppler-utils chromium)
case "$group" in
  runtime) wanted=("${runtime[@]}") ;;
  test) wanted=("${runtime[@]}" "${test[@]}") ;;
  *) echo "usage: $0 runtime|test" >&2; exit 2 ;;
esac
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system_deps: not a Debian system; install these yourself: ${wanted[*]}" >&2
  exit 0
fi
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "system_deps: missing Debian packages: ${missing[*]}" >&2
  echo "  install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "system_deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
