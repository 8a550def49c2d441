#!/usr/bin/env bash
# Install digest with a venv's own pip (as `python3 -m venv` makes it, not upgraded) and ingest one
# saved HTML page: catches dependencies that only a newer pip resolves (lxml's html_clean extra).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"${PYTHON:-python3}" -m venv "$scratch/venv"
"$scratch/venv/bin/pip" --version
"$scratch/venv/bin/pip" install --quiet .
"$scratch/venv/bin/digest" init "$scratch/ws" > /dev/null
cp examples/inbox/northern-ledger-solar.html "$scratch/ws/inbox/"
"$scratch/venv/bin/digest" --config "$scratch/ws/digest.toml" ingest
test -n "$(ls "$scratch/ws/inbox/processed/")" || { echo "the HTML page was not ingested" >&2; exit 1; }
echo "install with the venv's own pip: ok"
