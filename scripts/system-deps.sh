#!/usr/bin/env bash
# Install the Debian packages digest needs, only those missing.
#   scripts/system-deps.sh runtime   WeasyPrint's libraries and fonts (make demo)
#   scripts/system-deps.sh test      the same, plus poppler-utils (PDF checks), chromium (browser tests) and
#                                    postgresql (the tests start a throwaway server to run the storage and
#                                    pipeline suites on PostgreSQL too; its binaries: /usr/lib/postgresql/N/bin)
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core)
if [[ ${1:-runtime} == test ]]; then
  packages+=(poppler-utils chromium postgresql)
fi
need=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
# Debian's own python3 needs python3-venv for `python3 -m venv`.
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  echo "Installing Debian packages: ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
