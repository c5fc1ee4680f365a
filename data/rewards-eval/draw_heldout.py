#!/usr/bin/env python3
"""Draws the held-out corpus slices (sources/*/heldout-slice.json) with seed 88 from the parts of the corpora the
eval slices do not use: other PersuasionForGood units, the CaSiNo train split, other CrossWOZ hotels.
Usage: python3 draw_heldout.py [SHARED_DATA_DIR]  (default ../../../shared/data, the folder holding casino/,
persuasionforgood/ and crosswoz-hotels/)."""
import json, csv, random, os, sys
SH = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data")
HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(88)
DEAL = {"Submit-Deal", "Accept-Deal", "Reject-Deal", "Walk-Away"}
# PersuasionForGood: persuader units with two preceding units of the same dialogue, not in the eval slice
old = json.load(open(f"{HERE}/sources/persuasionforgood/slice.json", encoding="utf-8"))
old_texts = {d["turns"][-1]["text"] for d in old}
rows = list(csv.DictReader(open(f"{SH}/persuasionforgood/FullData/full_dialog.csv", encoding="utf-8")))
cands = [i for i in range(2, len(rows)) if rows[i]["B4"] == "0" and rows[i - 2]["B2"] == rows[i]["B2"]
         and rows[i]["Unit"].strip() and rows[i]["Unit"] not in old_texts]
pick = sorted(rng.sample(cands, 30))
pfg = [{"dialogue": rows[i]["B2"], "turns": [{"speaker": "persuader" if rows[j]["B4"] == "0" else "persuadee", "text": rows[j]["Unit"]}
        for j in (i - 2, i - 1, i)]} for i in pick]
# CaSiNo: train split (the eval slice came from valid and test)
cas = json.load(open(f"{SH}/casino/split/casino_train.json", encoding="utf-8"))
cc = []
for d in cas:
    logs = [x for x in d["chat_logs"] if x["text"] not in DEAL]
    for k in range(2, len(logs)):
        cc.append((d["dialogue_id"], logs[k - 2:k + 1]))
pickc = rng.sample(cc, 30)
casino = [{"dialogue": did, "turns": [{"speaker": "self" if x["id"] == t[-1]["id"] else "other", "text": x["text"]} for x in t]}
          for did, t in pickc]
# CrossWOZ: hotels with a price, not in the eval slice; competitors: the two same-type hotels nearest in price
db = json.load(open(f"{SH}/crosswoz-hotels/hotel_db.json", encoding="utf-8"))
oldh = {h["名称"] for h in json.load(open(f"{HERE}/sources/crosswoz-hotels/slice.json", encoding="utf-8"))}
hs = [h for _, h in db if h.get("价格") and h["名称"] not in oldh]
pickh = rng.sample(hs, 30)
hotels = []
for h in pickh:
    same = sorted((x for x in hs if x["酒店类型"] == h["酒店类型"] and x["名称"] != h["名称"]), key=lambda x: (abs(x["价格"] - h["价格"]), x["名称"]))[:2]
    keep = {k: h[k] for k in ("名称", "酒店类型", "地址", "地铁", "电话", "酒店设施", "价格", "评分", "周边景点")}
    keep["周边景点"] = keep["周边景点"][:5]
    keep["同类酒店"] = [{"名称": x["名称"], "价格": x["价格"]} for x in same]
    hotels.append(keep)
for name, data in (("persuasionforgood", pfg), ("casino", casino), ("crosswoz-hotels", hotels)):
    with open(f"{HERE}/sources/{name}/heldout-slice.json", "w", encoding="utf-8") as f:
        f.write("[\n" + ",\n".join(json.dumps(d, ensure_ascii=False) for d in data) + "\n]\n")
print(len(pfg), len(casino), len(hotels))
