#!/usr/bin/env bash
# Re-runs the tiny configurations and prints, per run, the wall time and the first and last metrics.jsonl lines:
# the figures the README quotes. Usage: scripts/readme-figures.sh [config ...]   (default: every configs/tiny-*.yaml)
# Needs repo-cli/target/repo.jar (mvn -B -q package -DskipTests). Runs go to runs/figures/<name>.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=repo-cli/target/repo.jar
[ -d runs/tiny ] || java -jar "$JAR" init-model --preset tiny --seed 1 --out runs/tiny
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(configs/tiny-sft.yaml configs/tiny-rm.yaml configs/tiny-dpo.yaml configs/tiny-ppo.yaml configs/tiny-grpo.yaml configs/tiny-repo.yaml)
for c in "${configs[@]}"; do
  name=$(basename "$c" .yaml)
  out=runs/figures/$name
  rm -rf "$out"
  start=$(date +%s)
  # the RL configs read the RM of tiny-rm.yaml from runs/tiny-rm
  java -jar "$JAR" train --config "$c" --set output="$out" 2>/dev/null
  end=$(date +%s)
  echo "== $c: $((end - start)) s wall"
  head -1 "$out/metrics.jsonl"
  tail -1 "$out/metrics.jsonl"
  if [ "$name" = tiny-rm ] && [ ! -d runs/tiny-rm/final ]; then rm -rf runs/tiny-rm; cp -r "$out" runs/tiny-rm; fi
done
