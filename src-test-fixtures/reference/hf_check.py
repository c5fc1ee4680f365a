"""Checks the committed golden fixtures against the real Hugging Face stack (torch + transformers + peft).

Not run by the test suite: this project's CI has no PyTorch. Run it on a machine that has them, from the repository
root:  python3 src-test-fixtures/reference/hf_check.py [OUT_DIR]
It loads the two tiny checkpoints with transformers' Qwen3ForCausalLM (fp32, eager attention), the PEFT folder
tiny-untied-gqa4-lora with peft, runs the inputs of inputs.json, compares the logits with the NumPy reference's
expected-logits.safetensors at positions the attention mask keeps, and writes transformers' logits to OUT_DIR
(default: hf-logits/) so they can be committed beside the NumPy fixtures. Exits 1 if any max |diff| > 1e-4.
"""
import json
import os
import sys

import numpy as np
import torch
from peft import PeftModel
from safetensors.numpy import load_file, save_file
from transformers import AutoModelForCausalLM

HERE = "src-test-fixtures/checkpoints"


def run(model, batches):
    out = {}
    for b in batches:
        ids = torch.tensor(b["input_ids"], dtype=torch.long)
        mask = torch.tensor(b.get("attention_mask", np.ones_like(b["input_ids"]).tolist()), dtype=torch.long)
        pos = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)  # as generate derives them for left padding
        with torch.no_grad():
            out[b["name"]] = (model(input_ids=ids, attention_mask=mask, position_ids=pos).logits.float().numpy(), mask.numpy())
    return out


def compare(label, got, expected_file):
    want, worst = load_file(expected_file), 0.0
    for name, (logits, mask) in got.items():
        diff = np.abs(logits - want[name + ".logits"])[mask == 1].max()
        worst = max(worst, float(diff))
        print(f"{label}/{name}: max |transformers - numpy| = {diff:.3e}")
    return worst


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "hf-logits"
    os.makedirs(out_dir, exist_ok=True)
    batches = json.load(open(os.path.join(HERE, "inputs.json")))["batches"]
    worst = 0.0
    for name in ["tiny-tied-bf16", "tiny-untied-gqa4"]:
        model = AutoModelForCausalLM.from_pretrained(os.path.join(HERE, name), torch_dtype=torch.float32,
                                                     attn_implementation="eager").eval()
        got = run(model, batches)
        worst = max(worst, compare(name, got, os.path.join(HERE, name, "expected-logits.safetensors")))
        save_file({f"{k}.logits": v[0] for k, v in got.items()}, os.path.join(out_dir, f"{name}.safetensors"))
        if name == "tiny-untied-gqa4":
            adapted = PeftModel.from_pretrained(model, os.path.join(HERE, "tiny-untied-gqa4-lora")).eval()
            got = run(adapted, batches)
            worst = max(worst, compare(name + "+lora", got, os.path.join(HERE, "tiny-untied-gqa4-lora", "expected-logits.safetensors")))
            save_file({f"{k}.logits": v[0] for k, v in got.items()}, os.path.join(out_dir, f"{name}-lora.safetensors"))
    print(f"worst max |diff| = {worst:.3e}")
    sys.exit(0 if worst <= 1e-4 else 1)


if __name__ == "__main__":
    main()
