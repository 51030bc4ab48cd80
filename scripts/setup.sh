#!/usr/bin/env bash
# Installs what chancap needs to build and test on a fresh Debian machine with the
# Rust toolchain (rustup) present. Safe to run again; does nothing that is
# already done. Called by the README's set-up and by .ci/run.
set -euo pipefail

need_components=()
for c in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$c"; then
    need_components+=("$c")
  fi
done
if [ ${#need_components[@]} -gt 0 ]; then
  rustup component add "${need_components[@]}"
fi

# Fetch every crate once, so later steps fail early and clearly if the registry
# cannot be reached.
cargo fetch --locked

# A headless browser for the report's end-to-end test (Debian's chromium). Where
# it cannot be installed (no root, no apt) the test says so and is skipped
# locally; CI sets CHANCAP_REQUIRE_BROWSER=1 so that it must run there.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    as_root=()
    echo "setup: chromium is not installed and this user cannot install it; the browser test will be skipped" >&2
  fi
  if [ "$(id -u)" -eq 0 ] || [ ${#as_root[@]} -gt 0 ]; then
    echo "setup: installing chromium for the report test"
    "${as_root[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
  fi
fi
