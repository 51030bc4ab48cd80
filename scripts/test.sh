#!/usr/bin/env bash
# The project's checks, as CI runs them: formatting, lints, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked -- --include-ignored
