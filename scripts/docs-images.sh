#!/usr/bin/env bash
# Regenerates the README's example charts (docs/*.png, 800 × 500) from a run of
# the reference scenario: the SVG charts are rendered at half size by headless
# Chromium (installed by scripts/setup.sh). Usage: bash scripts/docs-images.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo run --release --locked -q -- run scenarios/reference.toml --quiet --out "$out"
cargo run --release --locked -q -- sensitivity scenarios/reference.toml --quiet --out "$out"
for name in capacity-direct utilisation service-concept outcomes margin-bridge cost-to-serve convergence \
            tornado-contribution; do
  printf '<!DOCTYPE html><html><body style="margin:0"><img src="%s.svg" style="width:800px;height:500px;display:block"></body></html>' \
    "$name" > "$out/$name.html"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=800,500 \
    --screenshot="docs/$name.png" "file://$out/$name.html" 2>/dev/null
  echo "docs/$name.png"
done
