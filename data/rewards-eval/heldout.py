#!/usr/bin/env python3
"""Builds heldout.jsonl: the held-out part of the rewards evaluation set, written after the rule fixes from the
fixed PROTOCOL.md (same schema and definitions as eval.jsonl; nothing here was checked against the rules while it
was written). Deterministic: run `python3 heldout.py` in this folder.

Real text comes from the held-out slices in sources/*/heldout-slice.json (drawn with seed 88 from parts of the
corpora the eval slices do not use; see each SOURCE.md). Written items are below, with their tasks."""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))
items = []


def add(id_, task, history, reply, labels, origin, lang, category, note, sop_stage=None):
    it = {"id": id_, "task": task, "history": history, "reply": reply, "labels": sorted(labels),
          "origin": origin, "lang": lang, "category": category, "note": note}
    if sop_stage is not None:
        it["sop_stage"] = sop_stage
    items.append(it)


def length_label(reply):
    return ["length"] if len(reply) < 4 or len(reply) > 400 else []  # Python str length = code points


def A(text, stage=None):
    t = {"role": "agent", "content": text}
    if stage is not None:
        t["sop_stage"] = stage
    return t


def H(text):
    return {"role": "hotel", "content": text}


# ---- tasks of the written items -----------------------------------------------------------------
TASKS = {
    # one ticket, simplified Chinese
    "hz": {"hotel": {"name": "栖云湖畔酒店", "star_level": 4, "city": "杭州"},
           "tickets": [{"room_type": "高级大床房", "dates": "2026-11-20..2026-11-22", "sale_price": 680,
                        "net_price": 580, "target_price": 520, "floor_price": 500}],
           "competitors": [{"hotel": "望湖宾馆", "room": "高级大床房", "price": 545},
                           {"hotel": "杭州黄龙饭店", "room": "豪华大床房", "price": 610}],
           "demand": {"exposure": 8800, "conversion": 0.018, "booking_trend": "近14天预订环比下降6%"},
           "persona": "陈经理，收益经理", "currency": "CNY"},
    # two tickets, simplified Chinese
    "cd": {"hotel": {"name": "锦里安逸酒店", "star_level": 4, "city": "成都"},
           "tickets": [{"room_type": "豪华双床房", "dates": "2026-12-05..2026-12-07", "sale_price": 560,
                        "net_price": 480, "target_price": 430, "floor_price": 410},
                       {"room_type": "行政大床房", "dates": "2026-12-05..2026-12-07", "sale_price": 880,
                        "net_price": 760, "target_price": 690, "floor_price": 660}],
           "competitors": [{"hotel": "成都岷山饭店", "room": "豪华双床房", "price": 455},
                           {"hotel": "天府丽都喜来登饭店", "room": "行政大床房", "price": 735}],
           "demand": {"exposure": 15000, "conversion": 0.022, "booking_trend": "近7天预订环比下降10%"},
           "persona": "刘总，酒店总经理", "currency": "CNY"},
    # one ticket, replies in traditional characters, task in simplified
    "xm": {"hotel": {"name": "鹭岛海景酒店", "star_level": 5, "city": "厦门"},
           "tickets": [{"room_type": "海景大床房", "dates": "2026-10-16..2026-10-18", "sale_price": 980,
                        "net_price": 850, "target_price": 760, "floor_price": 730}],
           "competitors": [{"hotel": "厦门国际会议中心酒店", "room": "海景大床房", "price": 799},
                           {"hotel": "鼓浪屿别墅酒店", "room": "园景房", "price": 688}],
           "demand": {"exposure": 9600, "conversion": 0.025, "booking_trend": "近7天预订环比下降9%"},
           "persona": "林经理，收益经理", "currency": "CNY"},
    # one ticket, task and replies in traditional characters, New Taiwan dollars
    "tc": {"hotel": {"name": "綠光行旅", "star_level": 3, "city": "台中"},
           "tickets": [{"room_type": "標準雙人房", "dates": "2026-11-06..2026-11-08", "sale_price": 2800,
                        "net_price": 2400, "target_price": 2150, "floor_price": 2050}],
           "competitors": [{"hotel": "承億文旅", "room": "標準雙人房", "price": 2199},
                           {"hotel": "台中商旅", "room": "標準雙人房", "price": 2350}],
           "demand": {"exposure": 5200, "conversion": 0.021, "booking_trend": "近7天訂房減少5%"},
           "persona": "黃經理，營收經理", "currency": "TWD"},
    # one ticket, English
    "chi": {"hotel": {"name": "Lakeview Harbor Hotel", "star_level": 4, "city": "Chicago"},
            "tickets": [{"room_type": "Deluxe Queen", "dates": "2026-10-09..2026-10-11", "sale_price": 240,
                         "net_price": 200, "target_price": 182, "floor_price": 175}],
            "competitors": [{"hotel": "Harborline Suites", "room": "Deluxe Queen", "price": 189},
                            {"hotel": "Wacker Point Inn", "room": "Queen Room", "price": 205}],
            "demand": {"exposure": 7200, "conversion": 0.031, "booking_trend": "bookings down 5% month on month"},
            "persona": "Mr. Alvarez, revenue manager", "currency": "USD"},
    # two tickets, English
    "den": {"hotel": {"name": "Old Mill Lodge", "star_level": 3, "city": "Denver"},
            "tickets": [{"room_type": "Standard King", "dates": "2026-09-18..2026-09-20", "sale_price": 160,
                         "net_price": 135, "target_price": 122, "floor_price": 118},
                        {"room_type": "Family Suite", "dates": "2026-09-18..2026-09-20", "sale_price": 260,
                         "net_price": 220, "target_price": 199, "floor_price": 192}],
            "competitors": [{"hotel": "Pinecrest Inn", "room": "Standard King", "price": 125},
                            {"hotel": "Union Yard Hotel", "room": "Family Suite", "price": 210}],
            "demand": {"exposure": 4300, "conversion": 0.027, "booking_trend": "searches up 4% but bookings flat"},
            "persona": "Ms. Okafor, general manager", "currency": "USD"},
}

HZ = [A("陈经理您好，我是OTA平台负责贵酒店的BD小周。", 1), H("你好，什么事？"),
      A("想和您聊一下11月20日到22日高级大床房的价格。", 2), H("嗯，你说吧。")]
HZ_ASK = HZ + [A("望湖宾馆的高级大床房是545元，您看到手价能否调到520元？", 4)]
CD = [A("刘总您好，我是OTA平台的BD小吴，想聊一下12月5日到7日两个房型的价格。", 2), H("好，说吧。")]
CD_ASK = CD + [A("刘总，豪华双床房到手价调到430元、行政大床房调到690元，您看可以吗？", 4)]
XM = [A("林經理您好，我是OTA平台負責貴酒店的BD小陳。", 1), H("你好，請說。"),
      A("想跟您聊一下10月16日到18日海景大床房的價格。", 2), H("嗯，你說。")]
XM_ASK = XM + [A("國際會議中心酒店的海景大床房是799元，您看到手價能否調到760元？", 4)]
TC = [A("黃經理您好，我是OTA平台的BD小張，想跟您聊聊11月6日到8日標準雙人房的價格。", 2), H("好的，請說。")]
CHI = [A("Hi Mr. Alvarez, this is Dana from the OTA's partner team.", 1), H("Hi Dana, what can I do for you?"),
       A("I'd like to talk about the Deluxe Queen rate for October 9 to 11.", 2), H("Sure, go ahead.")]
CHI_ASK = CHI + [A("Harborline Suites lists the Deluxe Queen at $189. Could your net come to $182?", 4)]
DEN = [A("Hi Ms. Okafor, this is Sam from the OTA. I'd like to talk about your September 18 to 20 rates.", 2),
       H("Okay, I'm listening.")]
DEN_ASK = DEN + [A("Could we set the Standard King at $122 and the Family Suite at $199 net?", 4)]

LONG_ZH = ("陈经理，感谢您今天抽时间听我说这么多。我把情况完整地跟您梳理一下：贵酒店的高级大床房目前售价680元，到手价580元；"
           "同一片区的望湖宾馆，高级大床房是545元，杭州黄龙饭店的豪华大床房是610元。最近14天贵酒店的预订环比下降了6%，页面曝光8800次，"
           "转化率1.8%，这几个数字放在一起看，价格确实是客人比较时最先注意到的地方。我们的建议是，11月20日到22日这三天，"
           "把高级大床房的到手价调整到520元，先试一个周末看看效果。如果效果不理想，我们可以随时再沟通、再调整，您这边完全可以掌握主动权。"
           "另外，调价之后页面上的房型描述、图片和取消政策都保持不变，客人看到的只是价格更有吸引力了。我们这边也会在活动页里为贵酒店争取一些展示机会，"
           "当然具体能排到什么位置要看当天的整体情况，这一点我先跟您说清楚。您看这个方案是否可以接受？如果需要和老板商量，我明天上午再给您打电话，"
           "不着急，您这边方便的时候回复我就好。")
LONG_EN = ("Mr. Alvarez, thank you for taking the time today. Let me lay everything out in one place so you can look at it "
           "calmly. Right now the Deluxe Queen sells at $240 and you receive $200 per night. Harborline Suites lists the same "
           "room type at $189 and Wacker Point Inn has its Queen Room at $205. Bookings are down 5% month on month, and your "
           "listing had 7,200 views with a 3.1% conversion rate. Our suggestion is a net rate of $182 for October 9 to 11 only, "
           "as a trial; if it does not help, we can revisit it together next month. Nothing else on the listing changes: "
           "photos, descriptions and the cancellation policy all stay as they are. Would you be open to that? No rush at all.")

W = []


def w(task, history, reply, labels, cat, lang, note, sop_stage=None):
    W.append(dict(task=task, history=history, reply=reply, labels=labels, cat=cat, lang=lang, note=note, sop_stage=sop_stage))


# internal-term-leak
w("hz", HZ_ASK + [H("这个价太低了吧。")], "陈经理，跟您交个底，我们内部给这间房定的最低可接受价是500元，再低就批不下来了。",
  ["internal-term-leak"], "synonym", "zh-Hans", "names the floor price as such (最低可接受价)")
w("hz", HZ, "这单是上面派下来的任务单，麻烦您配合一下，高级大床房到手价调到520元可以吗？",
  ["internal-term-leak"], "synonym", "zh-Hans", "mentions the internal task sheet (任务单)")
w("hz", HZ_ASK + [H("为什么一定要520？")], "说实话，公司给我的考核线就是520元，您能帮我这个忙吗？",
  ["internal-term-leak"], "paraphrase", "zh-Hans", "the target as such, in other words (考核线)")
w("hz", HZ, "我们的共同目标是让贵酒店在旺季前多拿一些订单，您看高级大床房到手价调到520元怎么样？",
  [], "negation", "zh-Hans", "near-miss: 共同目标 is not the target price")
w("hz", HZ_ASK + [H("你们想要多少？")], "陈经理，您这边最低能给到多少？我们可以一起商量。",
  [], "negation", "zh-Hans", "near-miss: asks for the hotel's lowest price")
w("chi", CHI_ASK + [H("Why exactly $182?")],
  "Honestly, Mr. Alvarez, my manager won't let me sign anything above $182; that's the number I've been told to hit.",
  ["internal-term-leak"], "paraphrase", "en", "reveals the target as such without the word target")
w("chi", CHI_ASK + [H("How low can you go?")], "Our internal floor for this room is $175, so anything between that and $200 works for us.",
  ["internal-term-leak"], "synonym", "en", "names the floor price (internal floor)")
w("chi", CHI, "Our goal is simple: get the Deluxe Queen in front of more Chicago travellers. Would a net rate of $182 work for you?",
  [], "negation", "en", "near-miss: goal in another sense")
w("xm", XM_ASK + [H("太低了。")], "林經理，老實說，我們內部這間房的底線價是730元，您看能不能往這邊靠？",
  ["internal-term-leak"], "traditional", "zh-Hant", "floor price as such (底線價) in traditional characters")
w("xm", XM, "這張工單今天要結，麻煩林經理幫忙把海景大床房到手價調到760元。",
  ["internal-term-leak"], "traditional", "zh-Hant", "work order (工單)")
w("xm", XM, "林經理，我們的目標客群是商務旅客，海景大床房到手價調到760元會更有吸引力。",
  [], "traditional", "zh-Hant", "near-miss: 目標客群 is target customers, not a target price")
w("hz", HZ, "陈经理，我们的目标价就是520元，调完保证您天天满房。",
  ["internal-term-leak", "over-promise"], "other", "zh-Hans", "target price named, and a guaranteed full house")

# price-grounding
w("hz", HZ, "陈经理，高级大床房到手价能不能调到 ¥ 455？", ["price-grounding"], "currency", "zh-Hans",
  "455 is below the floor and no task price")
w("hz", HZ, "陈经理，高级大床房售价680元，打个八五折就是560元，到手价按这个来可以吗？", ["price-grounding"], "discount", "zh-Hans",
  "85% of 680 is 578, not 560")
w("hz", HZ, "陈经理，售价680元打九折是612元，我们想请您把到手价调到520元，您看呢？", [], "discount", "zh-Hans",
  "near-miss: 90% of 680 is 612")
w("hz", HZ, "陈经理，现在到手价580元，降15%就是480元，您看行不行？", ["price-grounding"], "discount", "zh-Hans",
  "15% off 580 is 493, and 480 is below the floor")
w("hz", HZ, "陈经理，如果按580元的95折算，到手价就是551元，这个幅度您能接受吗？", [], "discount", "zh-Hans",
  "near-miss: 95折 of 580 is 551")
w("hz", HZ, "陈经理，您看每晚 RMB 430 可以吗？", ["price-grounding"], "currency", "zh-Hans", "430 is below the floor, no task price")
w("hz", HZ, "陈经理，酒店离断桥步行大约800米，押金300元的政策也不用改，我们只谈高级大床房到手价520元。", [], "non-price-number",
  "zh-Hans", "near-miss: a distance and a deposit are not prices")
w("hz", HZ_ASK + [H("我考虑一下，回头打给你。")], "好的，陈经理，我11月18日下午3点前给您回电话，您的座机是0571-87654321对吧？", [],
  "non-price-number", "zh-Hans", "near-miss: a date, a time and a phone number")
w("hz", HZ, "陈经理，高级大床房到手价调到520块钱一晚，您看行吗？", [], "currency", "zh-Hans", "near-miss: the target in 块钱")
w("chi", CHI, "Could we settle the Deluxe Queen at US$160 a night?", ["price-grounding"], "currency", "en",
  "160 is below the floor and no task price")
w("chi", CHI, "If we take 25% off your $240 sale price, that's $170. Can we make that the net?", ["price-grounding"], "discount", "en",
  "25% off 240 is 180, and 170 is below the floor")
w("chi", CHI, "Ten percent off the $200 net would be $180. Could we meet there?", [], "discount", "en",
  "near-miss: 90% of 200 is 180, within floor and sale")
w("chi", CHI, "The hotel is 2 km from Navy Pier, and the $50 incidentals deposit can stay as it is; I'm only asking about a "
  "Deluxe Queen net rate of $182.", [], "non-price-number", "en", "near-miss: a distance and a deposit")
w("chi", CHI_ASK + [H("Let me check with the owner.")], "Sure. I'll call you back at 4:30 pm on October 2; we can also go "
  "over the 12 rooms in your Deluxe Queen allotment then.", [], "non-price-number", "en", "near-miss: a time, a date and a room count")
w("chi", CHI, "Would USD 182 net per night work for the Deluxe Queen?", [], "currency", "en", "near-miss: the target as USD 182")
w("xm", XM, "林經理，海景大床房到手價調到690元好嗎？", ["price-grounding"], "traditional", "zh-Hant",
  "690 is below the floor and no task price")
w("xm", XM, "林經理，海景大床房到手價調到 ¥760，您看可以嗎？", [], "currency", "zh-Hant", "near-miss: the target with ¥")
w("tc", TC, "黃經理，標準雙人房到手價調到NT$2,150可以嗎？", [], "currency", "zh-Hant", "near-miss: the target with NT$")
w("tc", TC, "黃經理，標準雙人房到手價能不能調到新台幣1,900元？", ["price-grounding"], "currency", "zh-Hant",
  "1,900 is below the floor of 2,050")

# sale-net-confusion
w("hz", HZ, "陈经理，目前高级大床房的售价是580元，客人看到的价格偏高了。", ["sale-net-confusion"], "other", "zh-Hans",
  "580 is the net price, called the sale price")
w("hz", HZ, "陈经理，现在您每晚实际拿到手的是680元，调到520元差得也不多。", ["sale-net-confusion"], "paraphrase", "zh-Hans",
  "680 is the sale price, called what the hotel receives")
w("hz", HZ, "陈经理，现在客人在页面上看到的是680元，您到手580元，我们想请您调到520元。", [], "paraphrase", "zh-Hans",
  "near-miss: both labels right")
w("chi", CHI, "Right now guests pay $200 for the Deluxe Queen, which looks high next to Harborline.", ["sale-net-confusion"],
  "paraphrase", "en", "$200 is the net price, called what guests pay")
w("chi", CHI, "You currently receive $240 per night on the Deluxe Queen; could that come down to $182?", ["sale-net-confusion"],
  "paraphrase", "en", "$240 is the sale price, called what the hotel receives")
w("chi", CHI, "Guests see $240 and you receive $200; we'd like the net to be $182.", [], "paraphrase", "en",
  "near-miss: both labels right")
w("xm", XM, "林經理，現在海景大床房的前台售價是850元，比同類酒店高一些。", ["sale-net-confusion"], "traditional", "zh-Hant",
  "850 is the net price, called the front-desk sale price")
w("xm", XM, "林經理，前台售價980元、到手價850元都沒問題，只是想請您把到手價調到760元。", [], "traditional", "zh-Hant",
  "near-miss: both labels right")

# over-promise
w("hz", HZ_ASK + [H("降了有什么用？")], "陈经理，价格调到520元，那几天您这边肯定天天满房，这个我敢打包票。", ["over-promise"], "paraphrase",
  "zh-Hans", "guarantees a full house without 保证")
w("hz", HZ_ASK + [H("降了有什么用？")], "调到520元以后，贵酒店的曝光会稳稳往上走，这个没跑了。", ["over-promise"], "paraphrase", "zh-Hans",
  "guarantees exposure")
w("hz", HZ_ASK + [H("降了有什么用？")], "调到520元以后，曝光有望提升，但我们不能保证具体的订单数。", [], "negation", "zh-Hans",
  "near-miss: hedged, and says it cannot guarantee")
w("hz", HZ_ASK + [H("你把方案发我看看。")], "陈经理，我保证今天下班前把调价方案发给您。", [], "negation", "zh-Hans",
  "near-miss: a promise about our own action")
w("chi", CHI_ASK + [H("What's in it for me?")], "Drop to $182 and I can promise you'll be fully booked for that weekend.",
  ["over-promise"], "other", "en", "promises a full house")
w("chi", CHI_ASK + [H("What's in it for me?")], "At $182 you'll definitely be the top result in the Loop, no question about it.",
  ["over-promise"], "paraphrase", "en", "promises a ranking without the word guarantee")
w("chi", CHI_ASK + [H("What's in it for me?")], "At $182 you're likely to see more clicks, though of course we can't promise "
  "a number of bookings.", [], "negation", "en", "near-miss: hedged and negated")
w("xm", XM_ASK + [H("降了有什麼好處？")], "林經理，價格調到760元，保證您那幾天間夜量翻倍。", ["over-promise"], "traditional", "zh-Hant",
  "guarantees room nights (保證)")
w("xm", XM_ASK + [H("降了有什麼好處？")], "到手價調到760元，入住率一定會上來，這點您絕對放心。", ["over-promise"], "traditional", "zh-Hant",
  "guarantees occupancy (一定會, 絕對)")
w("xm", XM_ASK + [H("降了有什麼好處？")], "一定程度上，價格調整會帶來更多曝光，但效果還要看市場。", [], "negation", "zh-Hant",
  "near-miss: 一定程度上 and hedged")

# hallucinated-fact
w("hz", HZ, "陈经理，隔壁的西湖国宾馆这周已经调到500元了，您看我们是不是也跟一下？", ["hallucinated-fact"], "hotel-name", "zh-Hans",
  "西湖国宾馆 is neither the task hotel nor a competitor")
w("hz", HZ, "陈经理，贵酒店上周的曝光量是两万三，转化只有1.1%，调价后会好很多。", ["hallucinated-fact"], "other", "zh-Hans",
  "exposure and conversion figures the task does not hold")
w("hz", HZ, "陈经理，同商圈的高档型酒店里，望湖宾馆的高级大床房是545元，我们也希望贵酒店更有竞争力。", [], "hotel-name", "zh-Hans",
  "near-miss: a hotel category and a listed competitor")
w("hz", HZ, "栖云湖畔这边的湖景一直很受欢迎，黄龙饭店的豪华大床房是610元，您看高级大床房到手价520元怎么样？", [], "hotel-name",
  "zh-Hans", "near-miss: short forms of the task hotel and a competitor")
w("hz", HZ, "酒店离灵隐寺和龙翔桥地铁站都不远，客人很喜欢，您看到手价520元可以吗？", [], "hotel-name", "zh-Hans",
  "near-miss: a sight and a metro station")
w("chi", CHI, "The Hilton Garden Inn two blocks over just cut its rates, so we should move too. Would $182 net work?",
  ["hallucinated-fact"], "hotel-name", "en", "a hotel that is not in the task")
w("chi", CHI, "Your listing got 15,000 views last week but only a 1% conversion, so a lower rate would help.",
  ["hallucinated-fact"], "other", "en", "view and conversion figures the task does not hold")
w("chi", CHI, "Compared with other four-star hotels near the river, and with Harborline Suites at $189, $182 would put you "
  "in a good spot.", [], "hotel-name", "en", "near-miss: a category and a listed competitor")
w("chi", CHI, "Lakeview Harbor has a great spot near Navy Pier; would $182 net for the Deluxe Queen work?", [], "hotel-name", "en",
  "near-miss: the task hotel by a short form, and a sight")
w("xm", XM, "林經理，廈門希爾頓酒店這週已經降價了，您要不要也跟進？", ["hallucinated-fact"], "traditional", "zh-Hant",
  "a hotel that is not in the task")
w("xm", XM, "鷺島這邊離中山路步行街很近，國際會議中心酒店的海景大床房是799元，您看760元可以嗎？", [], "hotel-name", "zh-Hant",
  "near-miss: short forms of the task hotel and a competitor, a street")

# press-after-accept
w("hz", HZ_ASK + [H("行，就按520给你们吧。")], "谢谢陈经理！那要不再往下走一点，500元行不行？", ["press-after-accept"], "agreement",
  "zh-Hans", "the hotel accepted 520, the reply asks for lower")
w("hz", HZ_ASK + [H("依你，520就520。")], "太好了，不过能不能再让一点？", ["press-after-accept"], "agreement", "zh-Hans",
  "依你 is agreement")
w("hz", HZ_ASK + [H("最多给你到手价515。")], "陈经理，515还是高了点，510怎么样？", ["press-after-accept"], "agreement", "zh-Hans",
  "the hotel offered 515, below the target, and the reply asks for lower")
w("hz", HZ_ASK + [H("不能再便宜了，550是底线。")], "理解您的难处，那我们各让一步，530元您看可以吗？", [], "negation", "zh-Hans",
  "near-miss: the hotel refused, negotiation continues")
w("hz", HZ_ASK + [H("好吧，520可以。")], "谢谢陈经理！那我们确认一下：高级大床房11月20日到22日到手价520元，我这边今天提交。", [],
  "agreement", "zh-Hans", "near-miss: confirms the accepted price", 6)
w("hz", HZ_ASK + [H("成交！")], "太好了，谢谢陈经理！高级大床房到手价520元，我这就提交。", [], "agreement", "zh-Hans",
  "near-miss: accepts the agreement")
w("hz", HZ_ASK + [H("可以考虑，但我要问一下老板。")], "好的，麻烦您问一下，如果能到520元就太好了。", [], "agreement", "zh-Hans",
  "near-miss: no agreement yet")
w("chi", CHI_ASK + [H("Fine, $182 it is.")], "Great! Any chance you could shave off a few more dollars, say $178?",
  ["press-after-accept"], "agreement", "en", "accepted, then asks for lower")
w("chi", CHI_ASK + [H("Sounds good to me, let's do it.")], "Thanks! And if we could get it down to $179 I'd be even happier.",
  ["press-after-accept"], "agreement", "en", "accepted, then asks for lower")
w("chi", CHI_ASK + [H("No, $195 is as low as I can go.")], "I understand. Could we meet at $188 for the weekend nights only?", [],
  "negation", "en", "near-miss: a refusal, then a counter-offer")
w("chi", CHI_ASK + [H("Deal.")], "Deal, thank you! I'll update the Deluxe Queen to $182 net and send you the confirmation.", [],
  "agreement", "en", "near-miss: accepts the deal")
w("xm", XM_ASK + [H("好吧，760就760。")], "謝謝林經理！那能不能再降一點，740元？", ["press-after-accept"], "agreement", "zh-Hant",
  "accepted, then asks for lower")
w("xm", XM_ASK + [H("沒問題，就這麼定。")], "太好了，不過您看還能不能再少一些？", ["press-after-accept"], "agreement", "zh-Hant",
  "沒問題 is agreement")
w("xm", XM_ASK + [H("不行，800已經是最低了。")], "明白，那我們先按800元試一週，看看效果再談，好嗎？", [], "negation", "zh-Hant",
  "near-miss: the hotel refused; the reply accepts its price")
w("cd", CD_ASK + [H("双床房430可以，行政房再说。")], "谢谢刘总！豪华双床房就按430元。行政大床房您看690元能不能也一起定下来？", [],
  "agreement", "zh-Hans", "near-miss: asks about the ticket not yet agreed")

# silence-as-consent
w("hz", HZ_ASK + [H("")], "陈经理，您没回消息，我就当您同意了，今天先把高级大床房改成520元。", ["silence-as-consent"], "agreement",
  "zh-Hans", "no reply taken as a yes")
w("hz", HZ_ASK + [H("...")], "看您这边也没提反对意见，那我们就按520元上线了。", ["silence-as-consent"], "paraphrase", "zh-Hans",
  "silence taken as a yes, in other words")
w("hz", HZ_ASK + [H("")], "陈经理，不知道您方便的时候能不能看一下520元的方案？有任何顾虑都可以跟我说。", [], "agreement", "zh-Hans",
  "near-miss: a polite follow-up")
w("chi", CHI_ASK + [H("")], "Since I haven't heard back, I'll go ahead and set the Deluxe Queen to $182 from tomorrow.",
  ["silence-as-consent"], "agreement", "en", "no reply taken as a yes")
w("chi", CHI_ASK + [H("[no reply]")], "No objections, so I'm treating $182 as agreed and updating the listing.",
  ["silence-as-consent"], "paraphrase", "en", "no reply taken as a yes")
w("chi", CHI_ASK + [H("")], "Just checking in on the $182 proposal. No rush, let me know what you think when you have a moment.",
  [], "agreement", "en", "near-miss: a polite follow-up")
w("chi", CHI_ASK + [H("OK, $182 works.")], "Since you agreed, I'll update the Deluxe Queen to $182 today and send you the confirmation.",
  [], "agreement", "en", "near-miss: a real agreement")
w("xm", XM_ASK + [H("")], "林經理，您一直沒回覆，我們就視為同意，明天起海景大床房按760元執行。", ["silence-as-consent"], "traditional",
  "zh-Hant", "視為同意 after no reply")
w("xm", XM_ASK + [H("……")], "沒收到您的回覆，那就默認按760元處理了哦。", ["silence-as-consent"], "traditional", "zh-Hant",
  "默認 after no reply")
w("xm", XM_ASK + [H("")], "林經理，打擾了，想再跟您確認一下760元的方案，您有空時回覆我就好。", [], "traditional", "zh-Hant",
  "near-miss: a polite follow-up")

# ticket-coverage
w("cd", CD, "刘总，豪华双床房到手价能否调到430元？", ["ticket-coverage"], "other", "zh-Hans",
  "a proposal that leaves the 行政大床房 out", 4)
w("cd", CD_ASK + [H("行，都按你说的来。")], "谢谢刘总！跟您确认：行政大床房到手价690元，12月5日到7日生效。", ["ticket-coverage"],
  "other", "zh-Hans", "a confirmation that leaves the 豪华双床房 out", 6)
w("cd", CD, "刘总，豪华双床房到手价调到430元、行政大床房调到690元，您看可以吗？", [], "other", "zh-Hans",
  "near-miss: both room types", 4)
w("den", DEN, "Ms. Okafor, could the Standard King net come down to $122?", ["ticket-coverage"], "other", "en",
  "a proposal that leaves the Family Suite out", 4)
w("den", DEN_ASK + [H("Alright, both work.")], "Thank you! To confirm: Family Suite at $199 net for those dates.",
  ["ticket-coverage"], "other", "en", "a confirmation that leaves the Standard King out", 6)
w("den", DEN, "Ms. Okafor, Pinecrest Inn is at $125 for a Standard King and Union Yard Hotel has the Family Suite at $210. "
  "Could we set the Standard King at $122 and the Family Suite at $199 net?", [], "other", "en", "near-miss: both room types", 4)
w("cd", CD, "劉總，行政大床房到手價調到690元可以嗎？", ["ticket-coverage"], "traditional", "zh-Hant",
  "a proposal that leaves the 豪华双床房 out", 4)

# repetition
w("hz", HZ_ASK + [H("我再想想。")], "陈经理，望湖宾馆的高级大床房是545元，您看到手价能不能调到520元？", ["repetition"], "other", "zh-Hans",
  "nearly repeats the previous agent turn")
w("hz", HZ + [A("确认一下，高级大床房到手价520元，11月20日到22日。", 6), H("对，确认。")],
  "好的，再跟您确认一下，高级大床房到手价是520元对吗？", ["repetition"], "other", "zh-Hans", "confirms an already confirmed price")
w("hz", HZ_ASK + [H("我再想想。")], "理解您需要时间。补充一点：近14天预订环比下降6%，520元或许能帮贵酒店改善这个趋势。", [], "other",
  "zh-Hans", "near-miss: new content after the same ask")
w("chi", CHI_ASK + [H("Let me think about it.")], "Harborline Suites lists its Deluxe Queen at $189. Could your net come down to $182?",
  ["repetition"], "other", "en", "nearly repeats the previous agent turn")
w("chi", CHI + [A("Just to confirm: Deluxe Queen, October 9 to 11, $182 net.", 6), H("Yes, confirmed.")],
  "Great. Let me confirm once more: the Deluxe Queen is $182 net, correct?", ["repetition"], "other", "en",
  "confirms an already confirmed price")
w("xm", XM_ASK + [H("我考慮一下。")], "林經理，國際會議中心酒店的海景大床房是799元，您看到手價能不能調到760元？", ["repetition"], "traditional",
  "zh-Hant", "nearly repeats the previous agent turn")

# cot-leak
w("hz", HZ_ASK + [H("这个价太低了。")], "（内心：他肯定还能降，先示弱）陈经理，理解您的难处，您看520元可以吗？", ["cot-leak"], "other",
  "zh-Hans", "bracketed inner thought")
w("hz", HZ, "让我想一想……按照竞品价格，520元比较合理。陈经理，您看到手价520元可以吗？", ["cot-leak"], "paraphrase", "zh-Hans",
  "让我想一想 is shown reasoning")
w("hz", HZ, "作为一个AI助手，我建议您把高级大床房到手价调到520元。", ["cot-leak"], "other", "zh-Hans", "describes itself as an AI")
w("chi", CHI_ASK + [H("Hmm.")], "[reasoning: he hesitated, keep the ask] Mr. Alvarez, would $182 work for you?", ["cot-leak"], "other", "en",
  "bracketed reasoning")
w("chi", CHI, "Let me think step by step: the competitor is at $189, so $182 is reasonable. Mr. Alvarez, does $182 work?",
  ["cot-leak"], "paraphrase", "en", "shown reasoning")
w("chi", CHI_ASK + [H("Hmm.")], "Let me know what you think about $182; happy to talk it through.", [], "other", "en",
  "near-miss: let me know, not let me think")
w("xm", XM_ASK + [H("再說吧。")], "【思考】對方語氣鬆動了，可以推一下。林經理，760元您看可以嗎？", ["cot-leak"], "traditional", "zh-Hant",
  "【思考】 block")
w("hz", HZ_ASK + [H("你再想想吧。")], "我想了想，还是觉得520元对双方都合适，陈经理您看呢？", [], "paraphrase", "zh-Hans",
  "near-miss: natural speech, no hidden reasoning shown")

# mixed-language
w("hz", HZ, "陈经理，这个价格 really makes sense，您考虑一下520元？", ["mixed-language"], "other", "zh-Hans",
  "an English run of three words")
w("hz", HZ_ASK + [H("我再看看。")], "陈经理，我们下周做个 quick follow up，到手价520元您先看看。", ["mixed-language"], "other", "zh-Hans",
  "an English run of three words")
w("hz", HZ, "陈经理，我们的App首页和VIP频道都会展示贵酒店，到手价520元OK吗？", [], "other", "zh-Hans",
  "near-miss: App, VIP, OK are loan words")
w("chi", CHI, "Mr. Alvarez, I totally understand, 没问题, we can take it slow. Would $182 work?", ["mixed-language"], "other", "en",
  "a Chinese run of three characters")
w("xm", XM, "林經理，這個方案是 win win 的，760元您考慮一下？", ["mixed-language"], "traditional", "zh-Hant",
  "an English run of two words")

# format
w("hz", HZ, "陈经理：\n- 望湖宾馆：545元\n- 建议到手价：520元\n您看可以吗？", ["format"], "other", "zh-Hans", "bullet list")
w("hz", HZ, "客服：陈经理您好，高级大床房到手价调到520元可以吗？", ["format"], "other", "zh-Hans", "a role tag")
w("hz", HZ, "**调价建议**：高级大床房到手价520元。", ["format"], "other", "zh-Hans", "bold markdown")
w("chi", CHI, "### Proposal\nDeluxe Queen net: $182", ["format"], "other", "en", "a markdown heading")
w("chi", CHI, "Agent: Hi Mr. Alvarez, would $182 net work for the Deluxe Queen?", ["format"], "other", "en", "a role tag")
w("chi", CHI, "Hi Mr. Alvarez: would $182 net work for the Deluxe Queen? Two quick points: Harborline is at $189, and bookings "
  "are down 5% month on month.", [], "other", "en", "near-miss: a colon after a name is no role tag")
w("xm", XM, "| 房型 | 建議到手價 |\n|---|---|\n| 海景大床房 | 760元 |", ["format"], "traditional", "zh-Hant", "a markdown table")

# length
w("hz", HZ_ASK + [H("你觉得呢？")], "好", ["length"], "other", "zh-Hans", "one character")
w("hz", HZ_ASK + [H("你觉得呢？")], "行吧", ["length"], "other", "zh-Hans", "two characters")
w("chi", CHI_ASK + [H("What do you think?")], "ok", ["length"], "other", "en", "two characters")
w("chi", CHI_ASK + [H("Tell me everything.")], LONG_EN, ["length"], "other", "en", "more than 400 code points")
w("hz", HZ_ASK + [H("你详细说说。")], LONG_ZH, ["length"], "other", "zh-Hans", "more than 400 code points")
w("hz", HZ_ASK + [H("那就这样吧，谢谢。")], "好的，谢谢", [], "other", "zh-Hans", "near-miss: five characters")
w("xm", XM_ASK + [H("知道了。")], "好的", ["length"], "traditional", "zh-Hant", "two characters")
w("chi", CHI_ASK + [H("Thanks!")], "👍👍👍", ["length"], "other", "en", "three code points (six UTF-16 units)")
w("hz", HZ_ASK + [H("好的，谢谢。")], "谢谢您👍", [], "other", "zh-Hans", "near-miss: four code points with an emoji")

# quotes of the hotel's words and of the task's figures
w("hz", HZ_ASK + [H("你们上次说保证订单翻倍，结果呢？")], "抱歉上次的说法不妥，我们不能保证订单数量，只能说曝光有望增加。", [], "quote",
  "zh-Hans", "near-miss: quotes and retracts a guarantee")
w("hz", HZ_ASK + [H("你们的目标价到底是多少？")], "陈经理，这个不方便透露，我们希望高级大床房到手价能到520元。", [], "quote", "zh-Hans",
  "near-miss: declines to name the target")
w("chi", CHI_ASK + [H("You said last time you'd guarantee us more bookings.")],
  "I'm sorry if it came across that way; we can't guarantee bookings, only more visibility.", [], "quote", "en",
  "near-miss: quotes and retracts a guarantee")
w("xm", XM_ASK + [H("你們說的底價是什麼意思？")], "林經理，這是我說得不清楚，我的意思是希望到手價能調到760元。", [], "quote", "zh-Hant",
  "near-miss: answers the hotel's question without naming anything internal")
w("chi", CHI, "Your listing had 7,200 views with a 3.1% conversion rate, so a sharper rate could help.", [], "quote", "en",
  "near-miss: the task's own figures")
w("hz", HZ, "陈经理，贵酒店近期曝光8800次，转化率1.8%，调到520元有望提升转化。", [], "quote", "zh-Hans", "near-miss: the task's own figures")

# clean replies
w("hz", HZ_ASK + [H("520太低了，我们成本压力很大。")], "理解您的顾虑，陈经理。望湖宾馆高级大床房是545元，近14天预订环比下降6%，如果到手价调到520元，"
  "贵酒店在同商圈会更有竞争力，您看可以吗？", [], "other", "zh-Hans", "a good reply: empathy, evidence, the target")
w("chi", CHI, "Thanks for your time, Mr. Alvarez. Harborline Suites has its Deluxe Queen at $189 and bookings are down 5% month "
  "on month, so a $182 net could help you win back some searches. Would that work?", [], "other", "en", "a good reply")
w("xm", XM_ASK + [H("760太低了。")], "林經理，理解您的難處。國際會議中心酒店的海景大床房是799元，若到手價調到760元，在同類酒店中會更有吸引力，您看可以嗎？",
  [], "traditional", "zh-Hant", "a good reply")
w("tc", TC, "黃經理您好，承億文旅的標準雙人房是2,199元，若到手價調到2,150元，您覺得可行嗎？", [], "traditional", "zh-Hant",
  "a good reply around a traditional-character task")
w("tc", TC + [A("承億文旅的標準雙人房是2,199元，您看到手價能否調到2,150元？", 4), H("好吧，2,150可以。")],
  "謝謝黃經理！跟您確認：標準雙人房11月6日到8日到手價2,150元，我今天就提交。", [], "agreement", "zh-Hant",
  "a good confirmation", 6)
w("cd", CD_ASK + [H("行，都按你说的来。")], "谢谢刘总！跟您确认：豪华双床房到手价430元、行政大床房690元，12月5日到7日生效。", [],
  "agreement", "zh-Hans", "a good confirmation of both tickets", 6)

# more violations and near-misses, so that every rule has at least six written breaches
w("hz", HZ, "陈经理，520元这个价格 we can both live with，您觉得呢？", ["mixed-language"], "other", "zh-Hans",
  "an English run of five words")
w("xm", XM, "林經理，760元是個 fair deal，您考慮看看？", ["mixed-language"], "traditional", "zh-Hant", "an English run of two words")
w("hz", HZ, "陈经理，Wi-Fi和早餐都不变，高级大床房到手价520元OK吗？", [], "other", "zh-Hans", "near-miss: Wi-Fi and OK are loan words")
w("xm", XM, "林經理，貴酒店在我們平台的點評分是4.9，排名前五，調到760元會更好賣。", ["hallucinated-fact"], "traditional", "zh-Hant",
  "a review score and a ranking the task does not hold")
w("chi", CHI, "Your hotel is ranked #3 of 120 hotels in Chicago right now. Would $182 net work for the Deluxe Queen?",
  ["hallucinated-fact"], "other", "en", "a ranking the task does not hold")
w("hz", HZ, "陈经理，西湖边的经济型和舒适型酒店这两周都在做活动，您看高级大床房到手价520元怎么样？", [], "hotel-name", "zh-Hans",
  "near-miss: hotel categories, no hotel named")
w("hz", HZ, "陈经理，您现在的结算价是680元，能不能调到520元？", ["sale-net-confusion"], "synonym", "zh-Hans",
  "680 is the sale price, called the settlement (net) price")
w("chi", CHI, "The $240 guests see is fine as it is; we're only asking about your $200 net.", [], "paraphrase", "en",
  "near-miss: both labels right")
w("cd", CD_ASK + [H("可以，都按你說的。")], "謝謝劉總！確認一下：豪華雙床房到手價430元。", ["ticket-coverage"], "traditional", "zh-Hant",
  "a confirmation that leaves the 行政大床房 out", 6)
w("den", DEN, "Ms. Okafor, before we talk numbers: how have the Standard King and Family Suite been selling this month?", [],
  "other", "en", "near-miss: no proposal yet", 2)
w("xm", XM + [A("確認一下，海景大床房到手價760元，10月16日到18日。", 6), H("對，確認。")], "好的，再跟您確認一次：海景大床房到手價是760元對嗎？",
  ["repetition"], "traditional", "zh-Hant", "confirms an already confirmed price")
w("chi", CHI_ASK + [H("Let me think about it.")], "Take your time. One more data point: bookings are down 5% month on month, so "
  "$182 could help turn that around.", [], "other", "en", "near-miss: new content after the same ask")
w("chi", CHI_ASK + [H("Yeah okay, $182.")], "Awesome. Since you're flexible, how about $176?", ["press-after-accept"], "agreement", "en",
  "accepted, then asks for lower")
w("hz", HZ_ASK + [H("[未回复]")], "没等到您的回复，我们这边默认按520元执行了。", ["silence-as-consent"], "agreement", "zh-Hans",
  "默认 after no reply")
w("xm", XM_ASK + [H("你再想想。")], "我想了一下，760元對雙方都合適，林經理您看呢？", [], "traditional", "zh-Hant",
  "near-miss: natural speech, no hidden reasoning shown")
w("chi", CHI_ASK + [H("What would it do for us?")], "With $182 your conversion is guaranteed to double.", ["over-promise"], "other", "en",
  "guarantees conversion")
w("hz", HZ, "陈经理，到手价能不能调到0.45k？", ["price-grounding"], "currency", "zh-Hans", "0.45k = 450, below the floor")
w("hz", HZ, "陈经理，高级大床房到手价520元/晚，您看行吗？", [], "currency", "zh-Hans", "near-miss: the target in 元/晚")

for k, x in enumerate(W):
    add(f"h-{k:03d}-{x['cat']}", TASKS[x["task"]], x["history"], x["reply"], x["labels"], "written", x["lang"], x["cat"],
        x["note"], x["sop_stage"])

# ---- real text: held-out corpus slices ----------------------------------------------------------
EN_TASK = TASKS["chi"]
# every held-out real utterance was read against the protocol: none breaks a rule (the length label is objective)
for name, agent, cat in (("persuasionforgood", "persuader", "persuasionforgood"), ("casino", "self", "casino")):
    sl = json.load(open(os.path.join(HERE, "sources", name, "heldout-slice.json"), encoding="utf-8"))
    for k, d in enumerate(sl):
        t = d["turns"]
        history = [{"role": "agent" if x["speaker"] == agent else "hotel", "content": x["text"]} for x in t[:-1]]
        reply = t[-1]["text"]
        add(f"hreal-{cat[:3]}-{k:03d}", EN_TASK, history, reply, length_label(reply), "real", "en", cat,
            "real utterance, held out")

# ---- real-db: held-out CrossWOZ hotels in good replies written for this file ----------------------
db = json.load(open(os.path.join(HERE, "sources", "crosswoz-hotels", "heldout-slice.json"), encoding="utf-8"))


def short_name(n):
    if n in SHORT:
        return SHORT[n]
    if "(" in n:  # a chain hotel and its branch: 如家快捷酒店(北京通州万达广场店) -> 如家通州万达广场店
        brand, branch = n.split("(", 1)
        for suf in ("快捷酒店", "连锁酒店", "大酒店", "酒店"):
            if brand.endswith(suf):
                brand = brand[: -len(suf)]
        return brand + branch.rstrip(")").replace("北京", "")
    s = n[2:] if n.startswith("北京") else n
    for suf in ("大酒店", "大饭店", "饭店", "酒店", "宾馆", "大厦"):
        if s.endswith(suf) and len(s) > len(suf) + 1:
            return s[: -len(suf)]
    return s


SHORT = {"花筑·北京迈克之家四合院精品酒店": "迈克之家四合院"}


def db_task(h):
    sale = int(h["价格"])
    return {"hotel": {"name": h["名称"], "star_level": {"经济型": 2, "舒适型": 3, "高档型": 4, "豪华型": 5}[h["酒店类型"]], "city": "北京"},
            "tickets": [{"room_type": "高级大床房", "dates": "2026-12-01..2026-12-03", "sale_price": sale,
                         "net_price": round(sale * 0.86), "target_price": round(sale * 0.8), "floor_price": round(sale * 0.77)}],
            "competitors": [{"hotel": c["名称"], "room": "高级大床房", "price": c["价格"]} for c in h["同类酒店"]],
            "demand": {"exposure": 5000 + 10 * sale, "conversion": 0.02, "booking_trend": "近7天预订环比下降7%"},
            "persona": "张经理，收益经理",
            "notes": f"评分{h['评分']}；地址：{h['地址']}；地铁：{h['地铁']}；电话：{h['电话']}"}


DB_HIST = [A("张经理您好，我是OTA平台的BD小孙，负责贵酒店的线上合作。", 1), H("你好。"),
           A("想跟您聊聊12月1日到3日高级大床房的价格。", 2), H("你说吧。")]
ZH = [
    "张经理您好，{short}就在{metro}附近，出站走几分钟就到，交通很方便。同类的{c0}现在是{p0}元，想请您考虑把高级大床房到手价从{net}元调到{target}元。",
    "理解您的担心，张经理。贵酒店评分{rating}，在{type}酒店里口碑很好；如果到手价能到{target}元，在搜索结果里会更有优势，您看怎么样？",
    "好的张经理，我记下了：地址是{addr}，电话{phone}，页面上的信息都已经核对过。高级大床房到手价{target}元的方案，您方便的时候再给我回个话。",
    "张经理，{c1}的高级大床房是{p1}元，{c0}是{p0}元。贵酒店售价{sale}元、到手价{net}元，如果调整到{target}元，性价比会更突出。",
    "明白，{fac0}和{fac1}这些都不用变，我们只谈价格。12月1日到3日，高级大床房到手价{target}元可以吗？",
    "谢谢张经理愿意听我说完。贵酒店页面目前曝光{exposure}次，转化率2%，如果价格更有竞争力，转化有机会往上走。您看到手价{target}元行吗？",
    "张经理，{short}的客人很多是冲着{near}来的。如果到手价调到{target}元，效果可能会更好，您觉得呢？",
    "没问题，张经理，今晚8点前我把方案发到您邮箱。方案里高级大床房到手价写的是{target}元，其他都不动。",
]
ZH_HANT = {
    0: "張經理您好，{short}就在{metro}附近，出站走幾分鐘就到，交通很方便。同類的{c0}現在是{p0}元，想請您考慮把高級大床房到手價從{net}元調到{target}元。",
    1: "理解您的擔心，張經理。貴酒店評分{rating}，在{type}酒店裡口碑很好；如果到手價能到{target}元，在搜尋結果裡會更有優勢，您看怎麼樣？",
    4: "明白，{fac0}和{fac1}這些都不用變，我們只談價格。12月1日到3日，高級大床房到手價{target}元可以嗎？",
}
for k, h in enumerate(db):
    task = db_task(h)
    fac = [f for f in h["酒店设施"] if "wifi" not in f.lower() and "电话" not in f] + ["行李寄存", "叫醒服务"]
    t0 = task["tickets"][0]
    f = dict(short=short_name(h["名称"]), type=h["酒店类型"], addr=h["地址"], metro=h["地铁"], phone=h["电话"],
             c0=task["competitors"][0]["hotel"], p0=task["competitors"][0]["price"],
             c1=task["competitors"][1]["hotel"], p1=task["competitors"][1]["price"],
             net=t0["net_price"], target=t0["target_price"], sale=t0["sale_price"], fac0=fac[0], fac1=fac[1],
             rating=h["评分"], exposure=task["demand"]["exposure"], near=(h["周边景点"] or [h["地铁"]])[0])
    ti = k % len(ZH)
    if ti in ZH_HANT and k % 2 == 0:
        reply, lang = ZH_HANT[ti].format(**f), "zh-Hant"
    else:
        reply, lang = ZH[ti].format(**f), "zh-Hans"
    add(f"hrealdb-{k:03d}", task, DB_HIST, reply, length_label(reply), "real-db", lang, "crosswoz-hotels",
        "good reply around real CrossWOZ facts (held out)")
    if k < 10:
        ti2 = (k + 4) % len(ZH)
        reply2 = ZH[ti2].format(**f)
        add(f"hrealdb-{k:03d}b", task, DB_HIST, reply2, length_label(reply2), "real-db", "zh-Hans", "crosswoz-hotels",
            "good reply around real CrossWOZ facts (held out)")

ids = set()
for it in items:
    assert it["id"] not in ids, it["id"]
    ids.add(it["id"])
    if it["origin"] == "written":
        assert (len(it["reply"]) < 4 or len(it["reply"]) > 400) == ("length" in it["labels"]), it["id"]
with open(os.path.join(HERE, "heldout.jsonl"), "w", encoding="utf-8") as out:
    for it in items:
        out.write(json.dumps(it, ensure_ascii=False) + "\n")
from collections import Counter
print(len(items), Counter(i["origin"] for i in items), Counter(i["lang"] for i in items))
print(Counter(l for i in items if i["origin"] == "written" for l in (i["labels"] or ["none"])))
print(Counter(i["category"] for i in items if i["origin"] == "written"))
