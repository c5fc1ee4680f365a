#!/usr/bin/env python3
"""Builds eval.jsonl from the corpus slices in sources/ and the written items in written.py, following
PROTOCOL.md. Deterministic: run `python3 make_set.py` in this folder."""
import json, random, os
from written import WRITTEN, TASKS, hist, t2s_trad

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(8)
items = []

def add(id_, task, history, reply, labels, origin, lang, category, note="", sop_stage=None):
    it = {"id": id_, "task": task, "history": history, "reply": reply, "labels": sorted(labels),
          "origin": origin, "lang": lang, "category": category, "note": note}
    if sop_stage is not None:
        it["sop_stage"] = sop_stage
    items.append(it)

def cp_len(s):
    return len(s)  # Python str length = code points

def length_label(reply):
    return ["length"] if cp_len(reply) < 4 or cp_len(reply) > 400 else []

# ---- real English text: persuasion and campsite haggling --------------------------------------
EN_TASK = TASKS["en1"]
# hand labels by protocol (index -> labels, note); everything else: none (plus the objective length rule)
PFG_LABELS = {}
CASINO_LABELS = {}
pfg = json.load(open(os.path.join(HERE, "sources/persuasionforgood/slice.json"), encoding="utf-8"))
for k, d in enumerate(pfg):
    t = d["turns"]
    history = [{"role": "agent" if x["speaker"] == "persuader" else "hotel", "content": x["text"]} for x in t[:-1]]
    reply = t[-1]["text"]
    labels, note = PFG_LABELS.get(k, ([], "real persuader utterance"))
    add(f"real-pfg-{k:03d}", EN_TASK, history, reply, labels + length_label(reply), "real", "en", "persuasionforgood", note)
cas = json.load(open(os.path.join(HERE, "sources/casino/slice.json"), encoding="utf-8"))
for k, d in enumerate(cas):
    t = d["turns"]
    history = [{"role": "agent" if x["speaker"] == "self" else "hotel", "content": x["text"]} for x in t[:-1]]
    reply = t[-1]["text"]
    labels, note = CASINO_LABELS.get(k, ([], "real campsite-haggling utterance"))
    add(f"real-casino-{k:03d}", EN_TASK, history, reply, labels + length_label(reply), "real", "en", "casino", note)

# ---- real-db: CrossWOZ hotel facts in good Chinese replies ------------------------------------
db = json.load(open(os.path.join(HERE, "sources/crosswoz-hotels/slice.json"), encoding="utf-8"))

def short_name(n):
    s = n
    if s.startswith("北京"):
        s = s[2:]
    for suf in ("大酒店", "酒店", "饭店", "宾馆", "公寓"):
        if s.endswith(suf) and len(s) > len(suf) + 1:
            return s[: -len(suf)]
    return s.split("(")[0]

def db_task(h):
    sale = int(h["价格"]); net = round(sale * 0.85); target = round(sale * 0.78); floor = round(sale * 0.75)
    return {"hotel": {"name": h["名称"], "star_level": {"经济型": 2, "舒适型": 3, "高档型": 4, "豪华型": 5}[h["酒店类型"]],
                      "city": "北京"},
            "tickets": [{"room_type": "标准大床房", "dates": "2026-12-01..2026-12-03", "sale_price": sale,
                         "net_price": net, "target_price": target, "floor_price": floor}],
            "competitors": [{"hotel": c["名称"], "room": "标准大床房", "price": c["价格"]} for c in h["同类酒店"]],
            "demand": {"exposure": 6000 + 100 * (sale % 37), "conversion": 0.02, "booking_trend": "近7天预订环比下降8%"},
            "persona": "张经理，收益经理",
            "notes": f"评分{h['评分']}；地址：{h['地址']}；地铁：{h['地铁']}；电话：{h['电话']}"}

DB_HIST = [{"role": "agent", "content": "张经理您好，我是OTA平台负责贵酒店的BD小李。", "sop_stage": 1},
           {"role": "hotel", "content": "你好，有什么事？"},
           {"role": "agent", "content": "想和您聊一下12月1日到3日标准大床房的价格。", "sop_stage": 2},
           {"role": "hotel", "content": "嗯，你说。"}]

TEMPLATES = [
    "张经理，{short}作为{type}酒店，位置在{addr}，靠近{metro}，客人评价一直不错。同类的{c0}标准大床房是{p0}元，您看到手价能否从{net}元调到{target}元？",
    "理解您的顾虑。{short}离{metro}很近，{fac0}和{fac1}也是客人常问的。如果到手价调到{target}元，在{type}酒店里会更有竞争力，您考虑一下？",
    "张经理，我核对了一下，贵酒店的前台电话是{phone}，地址是{addr}，页面信息没问题。价格方面，{c0}目前是{p0}元，您看{target}元可以吗？",
    "好的，张经理。近7天预订环比下降8%，同类{type}酒店里{c1}报价{p1}元。我们建议标准大床房到手价{target}元，12月1日到3日先试一下效果。",
    "明白，押金政策保持不变，入住时间也不用调。只是想请您把标准大床房到手价从{net}元调整到{target}元，您看这周内能答复我吗？",
    "张经理，{short}步行到{metro}大约5分钟，商务客人很看重这一点。同类{type}酒店{c0}是{p0}元，所以{target}元的到手价会让贵酒店更显眼。",
    "谢谢您的耐心。我们这边3个人负责北京{type}酒店的推广，12月1日之前可以把贵酒店的页面更新好。到手价{target}元您觉得可行吗？",
    "张经理，客人反馈{fac0}很方便，评分{rating}也很高。现在售价{sale}元，到手价{net}元，如果到手价调到{target}元，转化有望提升。",
]
TRAD = [0, 3, 6]  # template indexes also written in traditional characters for some hotels
n_db = 0
for k, h in enumerate(db):
    task = db_task(h)
    fac = [f for f in h["酒店设施"] if "wifi" not in f.lower()] + ["早餐服务", "行李寄存"]
    f = dict(short=short_name(h["名称"]), type=h["酒店类型"], addr=h["地址"], metro=h["地铁"], phone=h["电话"],
             c0=task["competitors"][0]["hotel"], p0=task["competitors"][0]["price"],
             c1=task["competitors"][1]["hotel"], p1=task["competitors"][1]["price"],
             net=task["tickets"][0]["net_price"], target=task["tickets"][0]["target_price"],
             sale=task["tickets"][0]["sale_price"], fac0=fac[0], fac1=fac[1], rating=h["评分"])
    ti = k % len(TEMPLATES)
    reply = TEMPLATES[ti].format(**f)
    lang = "zh-Hans"
    if k % 3 == 0 and ti in TRAD or k % 7 == 1:
        reply = t2s_trad(TEMPLATES[ti]).format(**f)  # our words in traditional characters, database values as they are
        lang = "zh-Hant"
    add(f"realdb-{k:03d}", task, DB_HIST, reply, length_label(reply), "real-db", lang, "crosswoz-hotels",
        "good reply around real CrossWOZ facts: category, alias, address, metro, phone, distances, counts")
    # a second reply per hotel: a different template
    ti2 = (k + 3) % len(TEMPLATES)
    if k < 40:
        reply2 = TEMPLATES[ti2].format(**f)
        add(f"realdb-{k:03d}b", task, DB_HIST, reply2, length_label(reply2), "real-db", "zh-Hans", "crosswoz-hotels",
            "good reply around real CrossWOZ facts")

# ---- written violations and near-misses ---------------------------------------------------------
for k, w in enumerate(WRITTEN):
    task = TASKS[w["task"]]
    add(f"w-{k:03d}-{w['cat']}", task, w["history"], w["reply"], w["labels"], "written", w["lang"], w["cat"], w.get("note", ""), w.get("sop_stage"))

ids = set()
for it in items:
    assert it["id"] not in ids, it["id"]
    ids.add(it["id"])
with open(os.path.join(HERE, "eval.jsonl"), "w", encoding="utf-8") as out:
    for it in items:
        out.write(json.dumps(it, ensure_ascii=False) + "\n")
from collections import Counter
print(len(items), Counter(i["origin"] for i in items), Counter(i["lang"] for i in items))
print(Counter(l for i in items if i["origin"] == "written" for l in (i["labels"] or ["none"])))
print(Counter(i["category"] for i in items if i["origin"] == "written"))
