#!/usr/bin/env python3
"""Independent NumPy reference of Hugging Face transformers' Qwen3ForCausalLM forward pass.

Written by reading these transformers sources (huggingface/transformers on GitHub). The three files
were read at the commits below; a single snapshot of the whole repository was not available:
  src/transformers/models/qwen3/modeling_qwen3.py  @ 9ee3f431c32e9e5f6c0888f6b2b0ca3f6c289dd6
      (Qwen3RMSNorm, Qwen3MLP, rotate_half, apply_rotary_pos_emb, repeat_kv, eager_attention_forward,
       Qwen3Attention, Qwen3DecoderLayer, Qwen3RotaryEmbedding, Qwen3Model, Qwen3ForCausalLM)
  src/transformers/masking_utils.py                @ 2ccc6cae21faaf11631efa5fb9054687ae5dc931
      (causal_mask_function, padding_mask_function, eager_mask: 0 where allowed, finfo(dtype).min elsewhere)
  src/transformers/modeling_rope_utils.py          @ ef46806472a64b0013ed413781e3afed82bfa047
      (_compute_default_rope_parameters: inv_freq = 1 / base**(arange(0, dim, 2) / dim), scaling 1.0)
Position ids for padded batches follow GenerationMixin.prepare_inputs_for_generation:
  position_ids = attention_mask.cumsum(-1) - 1; position_ids[attention_mask == 0] = 1

Everything is computed in float64 (HF computes in the checkpoint dtype, RoPE cos/sin in float32), so this
is the "exact math" target; fp32 implementations should match it to about 1e-4 on logits.
Rows of query positions that are padding (attention_mask == 0) see no key at all. Like HF eager, the
additive mask uses finfo.min, so such rows softmax uniformly over all keys and stay finite; their
logits are MEANINGLESS and must be excluded from comparisons.
Only the dense, default-RoPE, no-bias, no-sliding-window Qwen3 configuration is supported.
"""
import argparse
import json
import os
import sys

import numpy as np

# ----------------------------------------------------------------------------- safetensors I/O
_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I64": "<i8", "I32": "<i4"}


def _open_safetensors(path):
    """Returns {name: (path, dtype_str, shape, absolute_byte_offset, nbytes)} and the __metadata__ dict."""
    with open(path, "rb") as f:
        (n,) = np.frombuffer(f.read(8), dtype="<u8")
        header = json.loads(f.read(int(n)).decode("utf-8"))
    data_start, size = 8 + int(n), os.path.getsize(path)
    meta = header.pop("__metadata__", {}) or {}
    entries = {}
    for name, e in header.items():
        if e["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name}: unsupported dtype {e['dtype']}")
        begin, end = e["data_offsets"]  # relative to the start of the data section
        shape = tuple(int(s) for s in e["shape"])
        nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(_DTYPES[e["dtype"]]).itemsize
        if end - begin != nbytes or data_start + end > size:
            raise ValueError(f"{path}: tensor {name}: bad data_offsets {e['data_offsets']}")
        entries[name] = (path, e["dtype"], shape, data_start + begin, nbytes)
    return entries, meta


def _load_entry(entry):
    path, dtype, shape, offset, nbytes = entry
    with open(path, "rb") as f:
        f.seek(offset)
        raw = np.frombuffer(f.read(nbytes), dtype=_DTYPES[dtype]).reshape(shape)
    if dtype == "BF16":  # bf16 is the top half of an IEEE float32
        return (raw.astype(np.uint32) << 16).view(np.float32)
    return raw.astype(raw.dtype.newbyteorder("="))


def read_safetensors(path):
    """Reads a whole .safetensors file into {name: ndarray}; BF16 becomes float32."""
    entries, _ = _open_safetensors(path)
    return {name: _load_entry(e) for name, e in entries.items()}


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: ndarray} (float32 / float64 / int64 / int32). Header padded with spaces to 8 bytes."""
    rev = {"<f4": "F32", "<f8": "F64", "<i8": "I64", "<i4": "I32"}
    header, blobs, offset = {"__metadata__": {"format": "pt", **(metadata or {})}}, [], 0
    for name, arr in tensors.items():
        arr = np.asarray(arr, order="C")  # (ascontiguousarray would turn 0-d into 1-d)
        key = arr.dtype.newbyteorder("<").str
        if key not in rev:
            raise ValueError(f"{name}: cannot write dtype {arr.dtype}")
        data = arr.astype(key, copy=False).tobytes()
        header[name] = {"dtype": rev[key], "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * (-len(hjson) % 8)
    with open(path, "wb") as f:
        f.write(np.uint64(len(hjson)).astype("<u8").tobytes())
        f.write(hjson)
        for b in blobs:
            f.write(b)


class Checkpoint:
    """Lazy tensor access for model.safetensors or a sharded model.safetensors.index.json."""

    def __init__(self, model_dir):
        index = os.path.join(model_dir, "model.safetensors.index.json")
        self.entries = {}
        if os.path.exists(index):
            with open(index) as f:
                weight_map = json.load(f)["weight_map"]
            for shard in sorted(set(weight_map.values())):
                self.entries.update(_open_safetensors(os.path.join(model_dir, shard))[0])
        else:
            self.entries = _open_safetensors(os.path.join(model_dir, "model.safetensors"))[0]

    def __contains__(self, name):
        return name in self.entries

    def get(self, name):  # -> float64 ndarray
        return _load_entry(self.entries[name]).astype(np.float64)


# ----------------------------------------------------------------------------- config
def load_config(model_dir_or_dict):
    c = model_dir_or_dict
    if not isinstance(c, dict):
        with open(os.path.join(c, "config.json")) as f:
            c = json.load(f)
    rope = c.get("rope_parameters") or c.get("rope_scaling") or {}
    rope_type = rope.get("rope_type", rope.get("type", "default"))
    if rope_type != "default":
        raise NotImplementedError(f"rope_type {rope_type!r} (only 'default' is implemented)")
    if c.get("attention_bias", False) or c.get("use_sliding_window", False) or c.get("hidden_act", "silu") != "silu":
        raise NotImplementedError("attention_bias / sliding window / non-silu activation are not implemented")
    if "head_dim" not in c:  # Qwen3Config's default, NOT hidden_size // num_attention_heads
        print("warning: config has no head_dim, using Qwen3Config default 128", file=sys.stderr)
    return {
        "vocab_size": int(c["vocab_size"]),
        "hidden_size": int(c["hidden_size"]),
        "intermediate_size": int(c["intermediate_size"]),
        "num_hidden_layers": int(c["num_hidden_layers"]),
        "num_attention_heads": int(c["num_attention_heads"]),
        "num_key_value_heads": int(c["num_key_value_heads"]),
        "head_dim": int(c.get("head_dim", 128)),
        "rms_norm_eps": float(c.get("rms_norm_eps", 1e-6)),
        "rope_theta": float(rope.get("rope_theta", c.get("rope_theta", 10000.0))),
        "tie_word_embeddings": bool(c.get("tie_word_embeddings", False)),
        "dtype": c.get("dtype", c.get("torch_dtype")),  # informational only
    }


# ----------------------------------------------------------------------------- model math
def rms_norm(x, w, eps):  # x: [..., N], w: [N]
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


def rope_cos_sin(position_ids, head_dim, theta):  # position_ids: [B, T] -> cos, sin: [B, T, D]
    inv_freq = 1.0 / theta ** (np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)  # [D/2]
    freqs = position_ids.astype(np.float64)[..., None] * inv_freq  # [B, T, D/2]
    emb = np.concatenate([freqs, freqs], axis=-1)  # [B, T, D]
    return np.cos(emb), np.sin(emb)


def rotate_half(x):  # [..., D] -> concat(-x2, x1)
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], axis=-1)


def apply_rope(x, cos, sin):  # x: [B, heads, T, D]; cos/sin: [B, T, D]
    return x * cos[:, None] + rotate_half(x) * sin[:, None]


def default_position_ids(attention_mask):  # [B, T] -> [B, T], as HF generate computes them
    pos = np.cumsum(attention_mask, axis=-1) - 1
    pos[attention_mask == 0] = 1
    return pos.astype(np.int64)


def additive_mask(attention_mask):  # [B, T] -> [B, T(query), T(key)]; 0 = visible, finfo.min = hidden
    T = attention_mask.shape[1]
    causal = np.tril(np.ones((T, T), dtype=bool))  # key j visible to query i iff j <= i
    visible = causal[None] & (attention_mask[:, None, :] == 1)
    return np.where(visible, 0.0, np.finfo(np.float64).min)


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def forward(ckpt, cfg, input_ids, attention_mask=None, position_ids=None):
    """input_ids: [B, T] ints; returns float64 logits [B, T, V]. ckpt: Checkpoint or {name: ndarray}."""
    get = ckpt.get if hasattr(ckpt, "get") and not isinstance(ckpt, dict) else (lambda n: np.asarray(ckpt[n], dtype=np.float64))
    input_ids = np.asarray(input_ids, dtype=np.int64)
    B, T = input_ids.shape
    mask = np.ones((B, T), np.int64) if attention_mask is None else np.asarray(attention_mask, np.int64)
    pos = default_position_ids(mask) if position_ids is None else np.asarray(position_ids, np.int64)
    H, K, D, eps = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["head_dim"], cfg["rms_norm_eps"]

    embed = get("model.embed_tokens.weight")  # [V, hidden]
    x = embed[input_ids]  # [B, T, hidden]   (no embedding scaling)
    cos, sin = rope_cos_sin(pos, D, cfg["rope_theta"])  # [B, T, D]
    amask = additive_mask(mask)[:, None]  # [B, 1, T, T]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, get(p + "input_layernorm.weight"), eps)  # [B, T, hidden]
        q = (h @ get(p + "self_attn.q_proj.weight").T).reshape(B, T, H, D)
        k = (h @ get(p + "self_attn.k_proj.weight").T).reshape(B, T, K, D)
        v = (h @ get(p + "self_attn.v_proj.weight").T).reshape(B, T, K, D)
        q = rms_norm(q, get(p + "self_attn.q_norm.weight"), eps).transpose(0, 2, 1, 3)  # [B, H, T, D]
        k = rms_norm(k, get(p + "self_attn.k_norm.weight"), eps).transpose(0, 2, 1, 3)  # [B, K, T, D]
        v = v.transpose(0, 2, 1, 3)  # [B, K, T, D]
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)  # QK-norm BEFORE RoPE
        k, v = np.repeat(k, H // K, axis=1), np.repeat(v, H // K, axis=1)  # q head i uses kv head i // (H/K)
        scores = q @ k.transpose(0, 1, 3, 2) * D ** -0.5 + amask  # [B, H, T, T]
        attn = softmax(scores) @ v  # [B, H, T, D]
        attn = attn.transpose(0, 2, 1, 3).reshape(B, T, H * D)
        x = x + attn @ get(p + "self_attn.o_proj.weight").T  # residual
        m = rms_norm(x, get(p + "post_attention_layernorm.weight"), eps)
        gate, up = m @ get(p + "mlp.gate_proj.weight").T, m @ get(p + "mlp.up_proj.weight").T  # [B, T, I]
        x = x + (gate / (1.0 + np.exp(-gate)) * up) @ get(p + "mlp.down_proj.weight").T  # SwiGLU
    y = rms_norm(x, get("model.norm.weight"), eps)  # [B, T, hidden]
    w_lm = embed if cfg["tie_word_embeddings"] else get("lm_head.weight")  # [V, hidden]; stored lm_head ignored if tied
    return y @ w_lm.T  # [B, T, V]


# ----------------------------------------------------------------------------- PEFT LoRA
PEFT_PREFIX = "base_model.model."


class AdaptedCheckpoint:
    """A checkpoint with a PEFT LoRA folder merged in, as PEFT's LoraLayer computes it:
    W' = W + scaling * B @ A, scaling = lora_alpha / r (use_rslora: lora_alpha / sqrt(r)).
    Keys: base_model.model.<module>.lora_A.weight [r, in] and .lora_B.weight [out, r]."""

    def __init__(self, base, adapter_dir):
        with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
            c = json.load(f)
        if c.get("peft_type") != "LORA":
            raise ValueError(f"{adapter_dir}: peft_type is {c.get('peft_type')!r}, expected 'LORA'")
        r, alpha = int(c["r"]), float(c["lora_alpha"])
        scaling = alpha / np.sqrt(r) if c.get("use_rslora") else alpha / r
        tensors = read_safetensors(os.path.join(adapter_dir, "adapter_model.safetensors"))
        self.base, self.delta = base, {}
        for key in tensors:
            if not key.startswith(PEFT_PREFIX) or not key.endswith(".lora_A.weight"):
                continue
            module = key[len(PEFT_PREFIX):-len(".lora_A.weight")]
            a_w = tensors[key].astype(np.float64)  # [r, in]
            b_w = tensors[PEFT_PREFIX + module + ".lora_B.weight"].astype(np.float64)  # [out, r]
            self.delta[module + ".weight"] = scaling * (b_w @ a_w)  # [out, in]

    def get(self, name):
        w = self.base.get(name)
        return w + self.delta[name] if name in self.delta else w


def write_peft_adapter(out_dir, cfg, r, alpha, targets, seed, use_rslora=False):
    """Writes a PEFT LoRA folder with random A and non-zero B for every targeted projection (a test fixture)."""
    rng = np.random.default_rng(seed)
    h, H, K, D, I = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["head_dim"], cfg["intermediate_size"]
    shapes = {"q_proj": (H * D, h), "k_proj": (K * D, h), "v_proj": (K * D, h), "o_proj": (h, H * D),
              "gate_proj": (I, h), "up_proj": (I, h), "down_proj": (h, I)}  # [out, in]
    tensors = {}
    for i in range(cfg["num_hidden_layers"]):
        for t in targets:
            part = "mlp" if t in ("gate_proj", "up_proj", "down_proj") else "self_attn"
            out_f, in_f = shapes[t]
            key = f"{PEFT_PREFIX}model.layers.{i}.{part}.{t}"
            tensors[key + ".lora_A.weight"] = rng.uniform(-1, 1, (r, in_f)) / np.sqrt(in_f)
            tensors[key + ".lora_B.weight"] = rng.normal(0, 0.05, (out_f, r))
    os.makedirs(out_dir, exist_ok=True)
    write_safetensors(os.path.join(out_dir, "adapter_model.safetensors"),
                      {k: v.astype(np.float32) for k, v in tensors.items()}, {"format": "pt"})
    config = {"alpha_pattern": {}, "base_model_name_or_path": "tiny", "bias": "none", "exclude_modules": None,
              "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True, "layers_pattern": None,
              "layers_to_transform": None, "lora_alpha": alpha, "lora_bias": False, "lora_dropout": 0.0,
              "modules_to_save": None, "peft_type": "LORA", "r": r, "rank_pattern": {}, "revision": None,
              "target_modules": sorted(targets), "task_type": "CAUSAL_LM", "use_dora": False, "use_rslora": use_rslora}
    with open(os.path.join(out_dir, "adapter_config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)


# ----------------------------------------------------------------------------- CLI
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="directory with config.json and model.safetensors[.index.json]")
    ap.add_argument("--input", required=True, help='inputs.json: {"batches": [{"name", "input_ids", "attention_mask"?}]}')
    ap.add_argument("--out", required=True, help="output .safetensors")
    ap.add_argument("--adapter", help="a PEFT LoRA folder to apply (adapter_config.json + adapter_model.safetensors)")
    args = ap.parse_args(argv)
    cfg, ckpt = load_config(args.model), Checkpoint(args.model)
    if args.adapter:
        ckpt = AdaptedCheckpoint(ckpt, args.adapter)
    with open(args.input) as f:
        batches = json.load(f)["batches"]
    out = {}
    for b in batches:
        name, ids = b["name"], np.asarray(b["input_ids"], dtype=np.int64)  # [B, T]
        mask = np.asarray(b.get("attention_mask", np.ones_like(ids)), dtype=np.int64)
        if ids.ndim != 2 or mask.shape != ids.shape or not np.isin(mask, (0, 1)).all():
            raise ValueError(f"batch {name}: input_ids must be [B, T] and attention_mask the same shape of 0/1")
        pos = default_position_ids(mask)
        logits = forward(ckpt, cfg, ids, mask, pos)  # float64 [B, T, V]
        valid = np.abs(logits[mask == 1])
        print(f"{name}: shape {list(logits.shape)}  max|logit| valid={valid.max():.6f} "
              f"mean|logit| valid={valid.mean():.6f}  max|logit| all={np.abs(logits).max():.6f}")
        out.update({f"{name}.logits": logits.astype(np.float32), f"{name}.input_ids": ids,
                    f"{name}.attention_mask": mask, f"{name}.position_ids": pos})
    write_safetensors(args.out, out, {"generator": "qwen3_numpy.py", "note": "logits at attention_mask==0 are meaningless"})
    print(f"wrote {len(out)} tensors to {args.out}")


if __name__ == "__main__":
    main()
