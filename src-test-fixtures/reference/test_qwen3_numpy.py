#!/usr/bin/env python3
"""Self-checks for qwen3_numpy.py. Run: python3 test_qwen3_numpy.py  (numpy only, no pytest)."""
import json
import os
import struct
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qwen3_numpy as q  # noqa: E402

TINY = dict(vocab_size=300, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
            num_attention_heads=4, num_key_value_heads=2, head_dim=32, rms_norm_eps=1e-6)


def tiny_weights(cfg, seed=0, with_lm_head=True):
    rng = np.random.default_rng(seed)
    V, E, I, H, K, D = (cfg[k] for k in ("vocab_size", "hidden_size", "intermediate_size",
                                         "num_attention_heads", "num_key_value_heads", "head_dim"))
    r = lambda *s: (rng.standard_normal(s) * 0.1).astype(np.float32)
    norm = lambda n: (1.0 + 0.2 * rng.standard_normal(n)).astype(np.float32)
    w = {"model.embed_tokens.weight": r(V, E), "model.norm.weight": norm(E)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w.update({p + "input_layernorm.weight": norm(E), p + "post_attention_layernorm.weight": norm(E),
                  p + "self_attn.q_proj.weight": r(H * D, E), p + "self_attn.k_proj.weight": r(K * D, E),
                  p + "self_attn.v_proj.weight": r(K * D, E), p + "self_attn.o_proj.weight": r(E, H * D),
                  p + "self_attn.q_norm.weight": norm(D), p + "self_attn.k_norm.weight": norm(D),
                  p + "mlp.gate_proj.weight": r(I, E), p + "mlp.up_proj.weight": r(I, E),
                  p + "mlp.down_proj.weight": r(E, I)})
    if with_lm_head:
        w["lm_head.weight"] = r(V, E)
    return w


def write_model(d, weights, config, shards=1):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config, f)
    if shards == 1:
        q.write_safetensors(os.path.join(d, "model.safetensors"), weights)
        return
    names, weight_map = sorted(weights), {}
    for s in range(shards):
        fn = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
        part = {n: weights[n] for n in names[s::shards]}
        q.write_safetensors(os.path.join(d, fn), part)
        weight_map.update({n: fn for n in part})
    with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {}, "weight_map": weight_map}, f)


def naive_forward(w, cfg, ids, pos):
    """Loop-based restatement (pairwise rotation of dims j and j+D/2, explicit GQA index) for cross-checking."""
    H, K, D, eps, theta = (cfg[k] for k in ("num_attention_heads", "num_key_value_heads", "head_dim",
                                            "rms_norm_eps", "rope_theta"))
    W = {k: v.astype(np.float64) for k, v in w.items()}
    nrm = lambda x, g: g * x / np.sqrt((x ** 2).mean() + eps)

    def rot(vec, p):
        out = vec.copy()
        for j in range(D // 2):
            a = p * theta ** (-2.0 * j / D)
            x1, x2 = vec[j], vec[j + D // 2]
            out[j], out[j + D // 2] = x1 * np.cos(a) - x2 * np.sin(a), x2 * np.cos(a) + x1 * np.sin(a)
        return out

    T = len(ids)
    x = np.stack([W["model.embed_tokens.weight"][t] for t in ids])
    for i in range(cfg["num_hidden_layers"]):
        g = lambda n: W[f"model.layers.{i}.{n}.weight"]
        new = x.copy()
        for t in range(T):
            out = []
            for h in range(H):
                kv = h // (H // K)
                qv = rot(nrm((g("self_attn.q_proj") @ nrm(x[t], g("input_layernorm")))[h * D:(h + 1) * D],
                             g("self_attn.q_norm")), pos[t])
                s, vs = [], []
                for j in range(t + 1):
                    hj = nrm(x[j], g("input_layernorm"))
                    kj = rot(nrm((g("self_attn.k_proj") @ hj)[kv * D:(kv + 1) * D], g("self_attn.k_norm")), pos[j])
                    s.append(qv @ kj / np.sqrt(D))
                    vs.append((g("self_attn.v_proj") @ hj)[kv * D:(kv + 1) * D])
                pr = np.exp(np.array(s) - max(s))
                out.append((pr / pr.sum()) @ np.array(vs))
            new[t] = x[t] + g("self_attn.o_proj") @ np.concatenate(out)
        m = np.stack([nrm(r, g("post_attention_layernorm")) for r in new])
        a = m @ g("mlp.gate_proj").T
        x = new + (a / (1 + np.exp(-a)) * (m @ g("mlp.up_proj").T)) @ g("mlp.down_proj").T
    y = np.stack([nrm(r, W["model.norm.weight"]) for r in x])
    return y @ W["lm_head.weight"].T


def test_safetensors_roundtrip(tmp):
    rng = np.random.default_rng(1)
    t = {"a.f32": rng.standard_normal((3, 5)).astype(np.float32), "b.f64": rng.standard_normal(7),
         "c.i64": np.arange(-3, 9, dtype=np.int64).reshape(3, 4), "d.scalar": np.float32(2.5).reshape(())}
    p = os.path.join(tmp, "rt.safetensors")
    q.write_safetensors(p, t)
    with open(p, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = f.read(n)
    assert n % 8 == 0, n
    assert json.loads(header)["__metadata__"] == {"format": "pt"}
    back = q.read_safetensors(p)
    assert set(back) == set(t)
    for k in t:
        assert back[k].dtype == t[k].dtype and back[k].shape == t[k].shape and np.array_equal(back[k], t[k]), k
    # Hand-written BF16 + F16 file (not produced by our writer); unpadded header, data out of name order.
    bf = [0x3F80, 0xC000, 0x7F80, 0x0001, 0x4049, 0xFF7F]  # 1, -2, inf, smallest subnormal, 3.140625, -max
    exp_bf = np.array([1.0, -2.0, np.inf, 2.0 ** -133, 3.140625, -3.3895313892515355e38], dtype=np.float32)
    f16 = np.array([0.5, -65504.0], dtype="<f2")
    hdr = json.dumps({"__metadata__": {"format": "pt"},
                      "h": {"dtype": "F16", "shape": [2], "data_offsets": [12, 16]},
                      "g": {"dtype": "BF16", "shape": [2, 3], "data_offsets": [0, 12]}}).encode()
    p2 = os.path.join(tmp, "bf16.safetensors")
    with open(p2, "wb") as f:
        f.write(struct.pack("<Q", len(hdr)) + hdr + struct.pack("<6H", *bf) + f16.tobytes())
    back = q.read_safetensors(p2)
    assert back["g"].dtype == np.float32 and back["g"].shape == (2, 3)
    assert np.array_equal(back["g"].ravel(), exp_bf), back["g"]
    assert np.array_equal(back["h"], f16.astype(np.float16))
    print("ok (a) safetensors round trip + hand-written BF16/F16")


def test_config_styles():
    old = dict(TINY, rope_theta=1e6, torch_dtype="bfloat16", tie_word_embeddings=True)
    new = dict(TINY, rope_parameters={"rope_theta": 1e6, "rope_type": "default"}, dtype="bfloat16",
               tie_word_embeddings=True)
    a, b = q.load_config(old), q.load_config(new)
    assert a == b and a["rope_theta"] == 1e6 and a["head_dim"] == 32, (a, b)
    print("ok config: old (rope_theta/torch_dtype) and new (rope_parameters/dtype) styles agree")


def test_matches_naive_and_shards(tmp, w, cfg_json):
    cfg = q.load_config(cfg_json)
    ids = [5, 17, 299, 0, 42, 7]
    ref = naive_forward(w, cfg, ids, list(range(len(ids))))
    got = q.forward(w, cfg, [ids])[0]
    assert np.abs(got - ref).max() < 1e-10, np.abs(got - ref).max()
    write_model(os.path.join(tmp, "sharded"), w, cfg_json, shards=3)
    write_model(os.path.join(tmp, "single"), w, cfg_json, shards=1)
    for d in ("sharded", "single"):
        got2 = q.forward(q.Checkpoint(os.path.join(tmp, d)), q.load_config(os.path.join(tmp, d)), [ids])[0]
        assert np.abs(got2 - ref).max() < 1e-10, d
    print("ok forward == loop-based restatement; single-file and 3-shard checkpoints agree")


def test_left_padding(w, cfg):
    seqs = [[3, 8, 250, 41, 99], [7, 1, 2, 3, 4, 5, 6, 9], [280, 11, 12]]
    T = max(map(len, seqs))
    ids = np.array([[0] * (T - len(s)) + s for s in seqs])
    mask = np.array([[0] * (T - len(s)) + [1] * len(s) for s in seqs])
    pos = q.default_position_ids(mask)
    assert pos[0].tolist() == [1, 1, 1, 0, 1, 2, 3, 4], pos[0]
    batch = q.forward(w, cfg, ids, mask)
    assert np.isfinite(batch).all(), "pad rows must stay finite"
    for b, s in enumerate(seqs):
        single = q.forward(w, cfg, [s])[0]
        diff = np.abs(batch[b, T - len(s):] - single).max()
        assert diff < 1e-9, (b, diff)
    print("ok (b) left-padded batch rows == unpadded single sequences (< 1e-9), pad rows finite")


def test_rope():
    rng = np.random.default_rng(2)
    D, T = 32, 50
    x = rng.standard_normal((2, 3, T, D))
    pos = np.tile(np.arange(T) * 37, (2, 1))
    cos, sin = q.rope_cos_sin(pos, D, 1e6)
    y = q.apply_rope(x, cos, sin)
    assert np.abs(np.linalg.norm(y, axis=-1) - np.linalg.norm(x, axis=-1)).max() < 1e-12
    assert np.array_equal(y[:, :, 0], x[:, :, 0]), "position 0 must be the identity"
    # relative: <R(m)a, R(n)b> depends only on m - n
    a, b = rng.standard_normal(D), rng.standard_normal(D)
    c, s = q.rope_cos_sin(np.array([[3, 10, 103, 110]]), D, 1e6)
    r = [q.apply_rope(v[None, None, None], c[:, i:i + 1], s[:, i:i + 1])[0, 0, 0] for i, v in enumerate([a, b, a, b])]
    assert abs(r[0] @ r[1] - r[2] @ r[3]) < 1e-9
    print("ok (c) RoPE preserves norms, position 0 is identity, scores depend on relative position")


def test_tied(w, cfg_json):
    ids = [[1, 2, 3, 200, 150]]
    untied = dict(w, **{"lm_head.weight": w["model.embed_tokens.weight"].copy()})
    a = q.forward(untied, q.load_config(dict(cfg_json, tie_word_embeddings=False)), ids)
    tied_cfg = q.load_config(dict(cfg_json, tie_word_embeddings=True))
    b = q.forward({k: v for k, v in w.items() if k != "lm_head.weight"}, tied_cfg, ids)
    c = q.forward(w, tied_cfg, ids)  # stored (different) lm_head must be ignored when tied
    assert np.array_equal(a, b) and np.array_equal(b, c)
    assert not np.allclose(q.forward(w, q.load_config(dict(cfg_json, tie_word_embeddings=False)), ids), a)
    print("ok (d) tied == untied with lm_head == embed; stored lm_head ignored when tied")


def test_causality(w, cfg):
    rng = np.random.default_rng(3)
    ids = rng.integers(0, 300, size=(2, 12))
    base = q.forward(w, cfg, ids)
    for t in (0, 4, 10):
        alt = ids.copy()
        alt[:, t + 1:] = rng.integers(0, 300, size=(2, 11 - t))
        out = q.forward(w, cfg, alt)
        assert np.abs(out[:, :t + 1] - base[:, :t + 1]).max() < 1e-12, t
        assert not np.allclose(out[:, t + 1:], base[:, t + 1:])
    print("ok (e) causality: logits at t do not depend on tokens after t")


def test_cli(tmp, w, cfg_json):
    d = os.path.join(tmp, "cli_model")
    write_model(d, w, cfg_json)
    inp = {"batches": [{"name": "single", "input_ids": [[4, 5, 6, 7]]},
                       {"name": "padded", "input_ids": [[0, 0, 9, 8], [1, 2, 3, 4]],
                        "attention_mask": [[0, 0, 1, 1], [1, 1, 1, 1]]}]}
    with open(os.path.join(tmp, "inputs.json"), "w") as f:
        json.dump(inp, f)
    out = os.path.join(tmp, "expected.safetensors")
    q.main(["--model", d, "--input", os.path.join(tmp, "inputs.json"), "--out", out])
    got = q.read_safetensors(out)
    cfg = q.load_config(d)
    for b in inp["batches"]:
        n, ids = b["name"], np.array(b["input_ids"])
        mask = np.array(b.get("attention_mask", np.ones_like(ids)))
        assert got[n + ".logits"].dtype == np.float32 and got[n + ".logits"].shape == ids.shape + (300,)
        assert got[n + ".input_ids"].dtype == np.int64 and np.array_equal(got[n + ".input_ids"], ids)
        assert got[n + ".attention_mask"].dtype == np.int64 and np.array_equal(got[n + ".attention_mask"], mask)
        assert np.array_equal(got[n + ".position_ids"], q.default_position_ids(mask))
        ref = q.forward(w, cfg, ids, mask).astype(np.float32)
        assert np.array_equal(got[n + ".logits"], ref)
    print("ok CLI writes <name>.logits F32 [B,T,V] + I64 input_ids/attention_mask/position_ids")


if __name__ == "__main__":
    cfg_json = dict(TINY, rope_parameters={"rope_theta": 10000.0, "rope_type": "default"},
                    tie_word_embeddings=False, dtype="float32")
    cfg = q.load_config(cfg_json)
    w = tiny_weights(cfg)
    with tempfile.TemporaryDirectory() as tmp:
        test_safetensors_roundtrip(tmp)
        test_config_styles()
        test_matches_naive_and_shards(tmp, w, cfg_json)
        test_left_padding(w, cfg)
        test_rope()
        test_tied(w, cfg_json)
        test_causality(w, cfg)
        test_cli(tmp, w, cfg_json)
    print("ALL OK")
