#!/usr/bin/env bash
# Reproduce the figures in BENCHMARKS.md: every criterion bench of the workspace, then the
# side-by-side segmentation comparison with polars (needs Python 3 with `pip install polars`).
# Run from the repository root on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== machine"
nproc
grep -m1 'model name' /proc/cpuinfo || true
free -g | head -2
rustc --version

echo "== criterion benches"
cargo bench --workspace

if [ -f benches/peers/segment_vs_polars.py ]; then
  echo "== segmentation side by side with polars"
  python3 benches/peers/segment_vs_polars.py
fi
