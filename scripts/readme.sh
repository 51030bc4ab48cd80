#!/usr/bin/env bash
# Regenerates the README's sample outputs (every code block after a
# `<!-- sample: ARGS -->` line: what `chancap ARGS` prints at 80 columns) and
# its figures (docs/*.png, through scripts/docs-images.sh) from the current
# build (release, so the timings shown are real). CI's heavy test tier fails
# when a sample is stale (timings are masked in that comparison).
# Usage: bash scripts/readme.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CHANCAP_UPDATE_README=1 cargo test --release --locked --test tests readme_samples -- --include-ignored
bash scripts/docs-images.sh
