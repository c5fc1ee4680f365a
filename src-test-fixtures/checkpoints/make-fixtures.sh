#!/usr/bin/env bash
# Regenerates the parity fixtures: two tiny checkpoints written by our own `repo init-model`, and the logits
# the independent NumPy reference (../reference/qwen3_numpy.py, written from transformers' modeling_qwen3.py)
# computes for them. Run from the repository root after `mvn -q package -DskipTests`:
#   bash src-test-fixtures/checkpoints/make-fixtures.sh
set -euo pipefail
here=src-test-fixtures/checkpoints
repo() { java -jar repo-cli/target/repo.jar "$@"; }

make_one() {  # name, init-model flags...
  local name=$1; shift
  rm -rf "$here/$name"
  repo init-model --preset tiny --seed 11 --vocab-size 1024 --init-std 0.2 --perturb-norms "$@" --out "$here/$name"
  rm -f "$here/$name/tokenizer.json" "$here/$name/tokenizer_config.json"  # vocab 1024: the real tokenizer does not apply
  python3 src-test-fixtures/reference/qwen3_numpy.py --model "$here/$name" --input "$here/inputs.json" \
    --out "$here/$name/expected-logits.safetensors"
}

# tied, stored as BF16 (exercises the Java BF16 -> F32 path); GQA 4/2
make_one tiny-tied-bf16 --dtype BF16
# untied, F32, GQA ratio 4, head_dim 16 while hidden/heads = 6, three layers
make_one tiny-untied-gqa4 --dtype F32 --tie-word-embeddings=false --num-hidden-layers 3 --hidden-size 48 \
  --intermediate-size 96 --num-attention-heads 8 --num-key-value-heads 2 --head-dim 16

# a PEFT LoRA folder written by the NumPy side (independent of our writer: r 4, alpha 8, q/v/down projections, non-zero B),
# and the logits of the untied checkpoint with it merged the way PEFT computes it
python3 - <<'PY'
import sys; sys.path.insert(0, "src-test-fixtures/reference")
import qwen3_numpy as q
cfg = q.load_config("src-test-fixtures/checkpoints/tiny-untied-gqa4")
q.write_peft_adapter("src-test-fixtures/checkpoints/tiny-untied-gqa4-lora", cfg, r=4, alpha=8,
                     targets=["q_proj", "v_proj", "down_proj"], seed=3)
PY
python3 src-test-fixtures/reference/qwen3_numpy.py --model "$here/tiny-untied-gqa4" --adapter "$here/tiny-untied-gqa4-lora" \
  --input "$here/inputs.json" --out "$here/tiny-untied-gqa4-lora/expected-logits.safetensors"
