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
