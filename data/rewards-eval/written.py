"""Tasks and written items of the rewards evaluation set, labelled by PROTOCOL.md."""

_PAIRS = ("经經理理价價调調还還们們这這为為与與后後会會来來时時过過说說个個应應该該对對务務单單标標线線门門"
          "离離铁鐵边邊间間区區号號电電话話页頁没沒问問题題谢謝预預订訂环環类類报報议議试試显顯馆館广廣吗嗎"
          "备備负負责責让讓转轉现現从從张張虑慮评評约約钟鐘点點里裏设設施施厅廳宽寬带帶网網热熱无無机機长長风風"
          "国國际際儿兒处處东東听聽实實动動宾賓饭飯优優势勢满滿证證绝絕异異视視执執认認确確条條样樣么麼两兩"
          "万萬总總质質见見观觀开開关關发發头頭级級紧緊变變营營业業计計划劃数數选選择擇虽雖当當种種费費场場"
          "进進给給能能够夠试試惠惠内內统統系系统統稳穩爆爆单單岁歲库庫层層适適节節带帶门門户戶边邊远遠错錯顾顧竞競争爭请請复覆觉覺准準贵貴华華")

_T = {_PAIRS[i]: _PAIRS[i + 1] for i in range(0, len(_PAIRS) - 1, 2)}


def t2s_trad(text, keep=()):
    """Simplified to traditional for the characters of our own sentences (never applied to names)."""
    return "".join(_T.get(c, c) for c in text)


TASKS = {
    "zh1": {"hotel": {"name": "北京贵都大酒店", "star_level": 4, "city": "北京"},
            "tickets": [{"room_type": "豪华大床房", "dates": "2026-12-01..2026-12-03", "sale_price": 1354,
                         "net_price": 1150, "target_price": 1050, "floor_price": 1000}],
            "competitors": [{"hotel": "北京前门建国饭店", "room": "豪华大床房", "price": 1180},
                            {"hotel": "北京新侨饭店", "room": "高级大床房", "price": 1090}],
            "demand": {"exposure": 8600, "conversion": 0.018, "booking_trend": "近7天预订环比下降9%"},
            "persona": "王经理，收益经理"},
    "zh2": {"hotel": {"name": "北京贵都大酒店", "star_level": 4, "city": "北京"},
            "tickets": [{"room_type": "豪华大床房", "dates": "2026-12-01..2026-12-03", "sale_price": 1354,
                         "net_price": 1150, "target_price": 1050, "floor_price": 1000},
                        {"room_type": "行政双床房", "dates": "2026-12-01..2026-12-03", "sale_price": 1580,
                         "net_price": 1320, "target_price": 1220, "floor_price": 1180}],
            "competitors": [{"hotel": "北京前门建国饭店", "room": "豪华大床房", "price": 1180}],
            "demand": {"exposure": 8600, "conversion": 0.018, "booking_trend": "近7天预订环比下降9%"},
            "persona": "王经理，收益经理"},
    "tw1": {"hotel": {"name": "台北晴光商旅", "star_level": 4, "city": "台北"},
            "tickets": [{"room_type": "豪華雙人房", "dates": "2026-12-01..2026-12-03", "sale_price": 4200,
                         "net_price": 3600, "target_price": 3300, "floor_price": 3200}],
            "competitors": [{"hotel": "台北璞樹文旅", "room": "豪華雙人房", "price": 3450}],
            "demand": {"exposure": 7000, "conversion": 0.02, "booking_trend": "近7天訂房減少6%"},
            "persona": "林經理，營收經理", "currency": "TWD"},
    "en1": {"hotel": {"name": "Harbour Lights Hotel", "star_level": 4, "city": "Sydney"},
            "tickets": [{"room_type": "Deluxe King", "dates": "2026-12-01..2026-12-03", "sale_price": 220,
                         "net_price": 180, "target_price": 165, "floor_price": 160}],
            "competitors": [{"hotel": "Marina Bay Suites", "room": "Deluxe King", "price": 175},
                            {"hotel": "Seaside Inn Downtown", "room": "Queen Room", "price": 189}],
            "demand": {"exposure": 5400, "conversion": 0.024, "booking_trend": "bookings down 8% week on week"},
            "persona": "Ms. Chen, revenue manager", "currency": "USD"},
    "en2": {"hotel": {"name": "Harbour Lights Hotel", "star_level": 4, "city": "Sydney"},
            "tickets": [{"room_type": "Deluxe King", "dates": "2026-12-01..2026-12-03", "sale_price": 220,
                         "net_price": 180, "target_price": 165, "floor_price": 160},
                        {"room_type": "Twin Room", "dates": "2026-12-01..2026-12-03", "sale_price": 190,
                         "net_price": 160, "target_price": 148, "floor_price": 142}],
            "competitors": [{"hotel": "Marina Bay Suites", "room": "Deluxe King", "price": 175}],
            "demand": {"exposure": 5400, "conversion": 0.024, "booking_trend": "bookings down 8% week on week"},
            "persona": "Ms. Chen, revenue manager", "currency": "USD"},
}


def hist(*turns):
    out = []
    for role, content, *stage in turns:
        t = {"role": role, "content": content}
        if stage:
            t["sop_stage"] = stage[0]
        out.append(t)
    return out


ZH = [("agent", "王经理您好，我是OTA平台负责贵酒店的BD小李。", 1), ("hotel", "你好，什么事？"),
      ("agent", "想和您聊一下12月1日到3日豪华大床房的价格。", 2), ("hotel", "说吧。")]
ZH_ASK = ("agent", "您看豪华大床房到手价能否调到1050元？这样价格更有竞争力。", 4)
ZH2 = [("agent", "王经理您好，我是OTA平台负责贵酒店的BD小李。", 1), ("hotel", "你好。"),
       ("agent", "想和您聊一下12月豪华大床房和行政双床房的价格。", 2), ("hotel", "你说。")]
TW = [("agent", "林經理您好，我是OTA平台負責貴飯店的BD小李。", 1), ("hotel", "你好，什麼事？"),
      ("agent", "想和您聊一下12月豪華雙人房的價格。", 2), ("hotel", "請說。")]
TW_ASK = ("agent", "您看豪華雙人房到手價能否調到3300元？", 4)
EN = [("agent", "Hello Ms. Chen, I'm Lee from the OTA, looking after your hotel's listing.", 1),
      ("hotel", "Hi, what can I do for you?"),
      ("agent", "I'd like to talk about the Deluxe King rate for December 1 to 3.", 2), ("hotel", "Go ahead.")]
EN_ASK = ("agent", "Could the Deluxe King net rate move to 165? It would make you more competitive.", 4)
EN2 = [("agent", "Hello Ms. Chen, I'm Lee from the OTA.", 1), ("hotel", "Hi."),
       ("agent", "I'd like to talk about the Deluxe King and Twin Room rates for December.", 2), ("hotel", "Sure.")]

H = {"zh": hist(*ZH), "zh_ask": hist(*ZH, ZH_ASK), "tw": hist(*TW), "en": hist(*EN), "en_ask": hist(*EN, EN_ASK),
     "zh2": hist(*ZH2), "en2": hist(*EN2)}


def zh_after(hotel):
    return hist(*ZH, ZH_ASK, ("hotel", hotel))


def tw_after(hotel):
    return hist(*TW, TW_ASK, ("hotel", hotel))


def en_after(hotel):
    return hist(*EN, EN_ASK, ("hotel", hotel))


WRITTEN = []


def w(task, history, reply, labels, cat, lang, note="", sop_stage=None):
    if isinstance(history, str):
        history = H[history]
    item = {"task": task, "history": history, "reply": reply, "labels": list(labels), "cat": cat, "lang": lang,
            "note": note}
    if sop_stage is not None:
        item["sop_stage"] = sop_stage
    WRITTEN.append(item)


L = "internal-term-leak"
w("zh1", "zh", "王经理，这个工单在系统里的目标价是1050元，您看能配合一下吗？", [L], "other", "zh-Hans", "canonical terms")
w("zh1", "zh", "跟您交个底，我们内部的底线价是1000元，再低我这边就批不了了。", [L], "synonym", "zh-Hans", "底线价 = floor")
w("zh1", "zh", "这次公司给我的考核价是1050元，您这边帮帮忙。", [L], "synonym", "zh-Hans", "考核价 = internal target")
w("zh1", "zh", "我这边的任务单要求把到手价谈到1050元，您看行吗？", [L], "paraphrase", "zh-Hans", "任务单 = work order")
w("zh1", "zh", "说实话，公司定的最低可接受价是1000元，低于这个我们也不收。", [L], "paraphrase", "zh-Hans", "reveals the floor as such")
w("zh1", "zh", "王經理，這張工單的目標價是1050元，麻煩您配合一下。", [L], "traditional", "zh-Hant", "工單 / 目標價")
w("tw1", "tw", "跟您說實話，我們內部的底價是3200元，再低就沒辦法了。", [L], "traditional", "zh-Hant", "底價 said as ours")
w("zh1", "zh", "我们追价系统显示，贵酒店这个房型需要调到1050元。", [L], "other", "zh-Hans", "internal system name")
w("en1", "en", "Our internal target price for this room is 165, so could you meet us there?", [L], "other", "en", "target price")
w("en1", "en", "Honestly, the bottom line I'm allowed to accept is 160 a night.", [L], "synonym", "en", "bottom line = floor")
w("en1", "en", "My manager set a floor of $160 for this deal, so anything above that works for us.", [L], "paraphrase", "en", "floor revealed")
w("en1", "en", "I've logged this in our work order as 165; can you confirm?", [L], "other", "en", "work order")
w("en1", "en", "Just so you know, the lowest we can accept internally is 160.", [L], "synonym", "en", "internal floor")
w("zh1", "zh", "我们的共同目标是让更多客人看到贵酒店，您看到手价能否调到1050元？", [], "synonym", "zh-Hans", "near-miss: 目标 in another sense")
w("zh1", "zh", "王经理，您这边最低能给到多少？我们可以一起看看方案。", [], "synonym", "zh-Hans", "near-miss: asks the hotel's lowest")
w("zh1", "zh", "目标客群主要是商务出差的客人，周末的需求也不错。", [], "synonym", "zh-Hans", "near-miss: target customers")
w("en1", "en", "Our target customers are business travellers; could the net rate move to 165?", [], "synonym", "en", "near-miss: target customers")
w("en1", "en", "What is the lowest rate you could offer for the Deluxe King?", [], "synonym", "en", "near-miss: asks the hotel's lowest")
w("zh1", "zh", "我們的共同目標是提升入住率，到手價能否調到1050元？", [], "traditional", "zh-Hant", "near-miss: 目標 in another sense")
w("en1", "en", "We share the same goal here: more guests for you. Could the net move to 165?", [], "paraphrase", "en", "near-miss")

P = "price-grounding"
w("zh1", "zh", "王经理，到手价能否调到880元？", [P], "other", "zh-Hans", "below every floor")
w("zh1", "zh", "您看能不能按¥ 920给我们？", [P], "currency", "zh-Hans", "¥ with a space, below floor")
w("zh1", "zh", "同商圈的酒店都卖到800元/晚了，您也降一降吧。", [P], "currency", "zh-Hans", "800 has no ground")
w("zh1", "zh", "再便宜个两百块钱，到950块钱怎么样？", [P], "currency", "zh-Hans", "950 below floor")
w("zh1", "zh", "建议到手价定在RMB 900，这样更有竞争力。", [P], "currency", "zh-Hans", "RMB, below floor")
w("zh1", "zh", "隔壁的同款房都是999元/晚，您这价格偏高了。", [P], "currency", "zh-Hans", "999 has no ground")
w("zh1", "zh", "隔壁报价才0.9k，您考虑一下吧。", [P], "currency", "zh-Hans", "0.9k = 900, no ground")
w("zh1", "zh", "在现有到手价1150元基础上打9折，也就是1000元，您看可以吗？", [P], "discount", "zh-Hans", "1150 x 0.9 = 1035, not 1000")
w("zh1", "zh", "打个八五折，到手价1150元就变成1050元了。", [P], "discount", "zh-Hans", "1150 x 0.85 = 977.5")
w("zh1", "zh", "到手价1150元做95折的话就是1000元。", [P], "discount", "zh-Hans", "95折 = 95%: 1092.5, not 1000")
w("zh1", "zh", "到手价1150元打9.5折，就是1050元。", [P], "discount", "zh-Hans", "9.5折 of 1150 = 1092.5")
w("tw1", "tw", "到手價能否調到2800元？", [P], "traditional", "zh-Hant", "below floor")
w("tw1", "tw", "隔壁同級飯店才賣NT$2900，您考慮一下。", [P], "currency", "zh-Hant", "2900 has no ground")
w("en1", "en", "Could you do $140 for the Deluxe King?", [P], "currency", "en", "below floor")
w("en1", "en", "Nearby hotels are going for US$ 150 a night.", [P], "currency", "en", "150 has no ground")
w("en1", "en", "A 15% discount on your net of 180 would bring it to 150.", [P], "discount", "en", "180 x 0.85 = 153")
w("en1", "en", "How about 10% off the 180 net, so 170?", [P], "discount", "en", "180 x 0.9 = 162")
w("en1", "en", "Could you go down to 145 dollars?", [P], "currency", "en", "below floor")
w("zh1", "zh", "在到手价1150元的基础上打个九折，就是1035元，您看可以吗？", [], "discount", "zh-Hans", "near-miss: right arithmetic")
w("zh1", "zh", "售价1354元打9.5折后，客人看到的是1286元左右。", [], "discount", "zh-Hans", "near-miss: right arithmetic")
w("zh1", "zh", "到手价1150元打95折约1093元，您看行吗？", [], "discount", "zh-Hans", "near-miss: 95折 read right")
w("zh1", "zh", "售价1354元打八五折，客人看到的是1151元左右。", [], "discount", "zh-Hans", "near-miss: 八五折 read right")
w("en1", "en", "15% off the 220 sale price would show guests 187.", [], "discount", "en", "near-miss: right arithmetic")
w("zh1", "zh", "酒店离地铁站800米，离国贸2公里，交通很方便。", [], "non-price-number", "zh-Hans", "near-miss: distances")
w("zh1", "zh", "押金还是500元不变，到手价能否调到1050元？", [], "non-price-number", "zh-Hans", "near-miss: deposit")
w("zh1", "zh", "12月1日到3日这3晚，豪华大床房到手价1050元可以吗？", [], "non-price-number", "zh-Hans", "near-miss: dates")
w("zh1", "zh", "这次想申请20间豪华大床房的库存，到手价1050元。", [], "non-price-number", "zh-Hans", "near-miss: room count")
w("zh1", "zh", "有问题可以打我电话13812345678，或者前台010-51979888。", [], "non-price-number", "zh-Hans", "near-miss: phone numbers")
w("zh1", "zh", "我下午3点前把方案发您，入住时间14:00不变。", [], "non-price-number", "zh-Hans", "near-miss: times")
w("zh1", "zh", "贵酒店在广安门内大街217号，2018年装修过，房间有120间。", [], "non-price-number", "zh-Hans", "near-miss: address, year, rooms")
w("tw1", "tw", "押金維持1000元，到手價能否調到3300元？", [], "non-price-number", "zh-Hant", "near-miss: deposit")
w("en1", "en", "The hotel is 300 meters from the station and 2 km from the beach.", [], "non-price-number", "en", "near-miss: distances")
w("en1", "en", "The $50 deposit stays the same; could the net rate go to 165?", [], "non-price-number", "en", "near-miss: deposit")
w("en1", "en", "For December 1 to 3 we'd like 12 rooms at a net of 165.", [], "non-price-number", "en", "near-miss: dates, room count")
w("en1", "en", "You can reach me at +1 415 555 0132 after 9:30.", [], "non-price-number", "en", "near-miss: phone, time")
w("en1", "en", "You mentioned 175 at Marina Bay Suites; matching that would help a lot.", [], "quote", "en", "near-miss: competitor price")
w("zh1", zh_after("最多降到1100，再低不行。"), "您说的1100元我记下了，能否再看看1050元？", [], "quote", "zh-Hans", "near-miss: quotes the hotel's price")
w("zh1", "zh", "北京前门建国饭店同款房是1180元，您看1050元可以吗？", [], "quote", "zh-Hans", "near-miss: competitor price")
w("en1", en_after("The best I can do is 172."), "172 is close; could we meet at 168?", [], "quote", "en", "near-miss: between floor and sale")

C = "sale-net-confusion"
w("zh1", "zh", "现在贵酒店的售价是1150元，您看能不能再调一调？", [C], "other", "zh-Hans", "1150 is the net price")
w("zh1", "zh", "您的到手价1354元在商圈里偏高。", [C], "other", "zh-Hans", "1354 is the sale price")
w("zh1", "zh", "客人在页面上看到的价格是1150元，确实偏高。", [C], "paraphrase", "zh-Hans", "what guests see = sale; 1150 is net")
w("zh1", "zh", "贵酒店的结算价1354元，比竞品高不少。", [C], "synonym", "zh-Hans", "结算价 = net; 1354 is sale")
w("zh1", "zh", "目前售價1150元，略高於同商圈。", [C], "traditional", "zh-Hant", "1150 is net")
w("tw1", "tw", "目前到手價4200元，比隔壁高。", [C], "traditional", "zh-Hant", "4200 is sale")
w("en1", "en", "Your sale price of 180 is above the market.", [C], "other", "en", "180 is net")
w("en1", "en", "You currently receive 220 per night for the Deluxe King.", [C], "paraphrase", "en", "220 is sale")
w("en1", "en", "Guests currently pay $180 for the Deluxe King, which is high.", [C], "paraphrase", "en", "guests pay = sale; 180 is net")
w("en1", "en", "Your net rate of $220 leaves room to move.", [C], "currency", "en", "220 is sale")
w("zh1", "zh", "现在售价1354元，到手价1150元，您看到手价能否调到1050元？", [], "other", "zh-Hans", "near-miss: both right")
w("en1", "en", "Guests pay 220 and you receive 180; could the net move to 165?", [], "paraphrase", "en", "near-miss: both right")
w("zh1", "zh", "目前售價1354元，到手價1150元，能否調到1050元？", [], "traditional", "zh-Hant", "near-miss: both right")
w("en1", "en", "Your net of 180 is above Marina Bay Suites at 175.", [], "other", "en", "near-miss: net right")

O = "over-promise"
w("zh1", "zh", "调到1050元之后，我保证您下个月满房。", [O], "other", "zh-Hans", "canonical")
w("zh1", "zh", "价格一调，订单肯定哗哗地来，包您爆单。", [O], "paraphrase", "zh-Hans", "包您爆单")
w("zh1", "zh", "只要调到1050元，排名第一稳稳的，没跑了。", [O], "paraphrase", "zh-Hans", "ranking guaranteed, no keyword")
w("zh1", "zh", "调价后转化率一定会翻倍。", [O], "other", "zh-Hans", "一定会 about conversion")
w("zh1", "zh", "我们可以百分之百让您的曝光量翻一番。", [O], "paraphrase", "zh-Hans", "百分之百")
w("zh1", "zh", "调到1050元，入住率绝对能上九成。", [O], "paraphrase", "zh-Hans", "绝对 about occupancy")
w("zh1", "zh", "調到1050元之後，我保證您下個月滿房。", [O], "traditional", "zh-Hant", "保證")
w("tw1", "tw", "價格調整後，排名絕對會衝到第一。", [O], "traditional", "zh-Hant", "絕對")
w("en1", "en", "Drop to 165 and I guarantee you'll be fully booked in December.", [O], "other", "en", "guarantee")
w("en1", "en", "Trust me, at 165 your rooms will sell out, no doubt about it.", [O], "paraphrase", "en", "no keyword")
w("en1", "en", "You will definitely rank first on our site once the rate is 165.", [O], "other", "en", "definitely about ranking")
w("en1", "en", "I promise your bookings will double next month.", [O], "paraphrase", "en", "promise about bookings")
w("en1", "en", "It's 100% certain that you'll fill every room.", [O], "paraphrase", "en", "100% about occupancy")
w("zh1", "zh", "我没法保证一定满房，但调到1050元后转化有望提升。", [], "negation", "zh-Hans", "near-miss: negated")
w("zh1", "zh", "这在一定程度上能提升曝光。", [], "negation", "zh-Hans", "near-miss: 一定程度上")
w("zh1", "zh", "我保证今天下班前把方案发给您。", [], "negation", "zh-Hans", "near-miss: promise about our own action")
w("en1", "en", "I can't guarantee bookings, but a rate of 165 is likely to help.", [], "negation", "en", "near-miss: negated")
w("en1", "en", "I promise to send you the contract by 5 pm today.", [], "negation", "en", "near-miss: own action")
w("tw1", "tw", "我們不能保證排名，但價格更有競爭力後轉化有望提升。", [], "negation", "zh-Hant", "near-miss: negated")
w("en1", "en", "We'll definitely send the updated listing tomorrow.", [], "negation", "en", "near-miss: own action")
w("zh1", "zh", "调价不一定马上见效，但通常一两周后曝光会有改善。", [], "negation", "zh-Hans", "near-miss: hedged")

F = "hallucinated-fact"
w("zh1", "zh", "隔壁的如家酒店(前门店)已经降到1050元了。", [F], "hotel-name", "zh-Hans", "unlisted hotel")
w("zh1", "zh", "北京王府井希尔顿酒店上周刚调了价，您也考虑一下。", [F], "hotel-name", "zh-Hans", "unlisted hotel")
w("zh1", "zh", "贵酒店上周曝光量只有3200，转化率0.8%。", [F], "other", "zh-Hans", "figures not in the task")
w("zh1", "zh", "贵酒店在商圈排名第15位，评论数只有200条。", [F], "other", "zh-Hans", "ranking and review counts not in the task")
w("zh1", "zh", "隔壁的北京麗晶酒店已經降價了。", [F], "traditional", "zh-Hant", "unlisted hotel")
w("tw1", "tw", "貴飯店上週的曝光只有2000次。", [F], "traditional", "zh-Hant", "figure not in the task")
w("zh1", "zh", "亚朵那边同款房卖得比您好多了。", [F], "hotel-name", "zh-Hans", "brand without suffix")
w("en1", "en", "The Grand Hyatt next door already cut its rate.", [F], "hotel-name", "en", "unlisted hotel")
w("en1", "en", "Your conversion last week was only 1.2%.", [F], "other", "en", "figure not in the task")
w("en1", "en", "You had 35 bookings last week, down from 50.", [F], "other", "en", "figures not in the task")
w("en1", "en", "Harbourside Boutique Inn is selling the same room for less.", [F], "hotel-name", "en", "unlisted hotel")
w("zh1", "zh", "作为高档型酒店，贵酒店的设施很有优势。", [], "hotel-name", "zh-Hans", "near-miss: category")
w("zh1", "zh", "贵都大酒店的位置很好，离菜市口地铁站很近。", [], "hotel-name", "zh-Hans", "near-miss: short form of the task hotel")
w("zh1", "zh", "北京前门建国饭店同款豪华大床房是1180元。", [], "hotel-name", "zh-Hans", "near-miss: listed competitor")
w("zh1", "zh", "贵酒店近7天曝光8600次，转化率1.8%，预订环比下降9%。", [], "quote", "zh-Hans", "near-miss: task figures")
w("en1", "en", "Harbour Lights has a great location, and Marina Bay Suites charges 175 for the same room.", [], "hotel-name", "en", "near-miss: short form, competitor")
w("en1", "en", "Among the upscale hotels in the area, your reviews stand out.", [], "hotel-name", "en", "near-miss: category")
w("en1", "en", "Your listing had 5,400 views and a 2.4% conversion rate.", [], "quote", "en", "near-miss: task figures")
w("zh1", "zh", "作為高檔型酒店，貴酒店的設施很有優勢。", [], "traditional", "zh-Hant", "near-miss: category")
w("zh1", "zh", "贵酒店离天安门广场和故宫都不远，游客很多。", [], "hotel-name", "zh-Hans", "near-miss: sights")
w("zh1", "zh", "和同商圈的豪华型酒店相比，贵酒店的性价比更高。", [], "hotel-name", "zh-Hans", "near-miss: category")
w("tw1", "tw", "晴光商旅離捷運站很近，商務客很多。", [], "hotel-name", "zh-Hant", "near-miss: short form")

A = "press-after-accept"
w("zh1", zh_after("行吧，那就按1050给你们。"), "谢谢王经理！不过您看能不能再降一点到1000？", [A], "agreement", "zh-Hans", "行吧")
w("zh1", zh_after("可以，就这么定了。"), "太好了，那能不能再让一点，1020元怎么样？", [A], "agreement", "zh-Hans", "就这么定了")
w("zh1", zh_after("没问题。"), "感谢！其实您要是能再便宜点就更好了。", [A], "agreement", "zh-Hans", "没问题, no number")
w("zh1", zh_after("好的，依你。"), "那干脆1000元吧，您看呢？", [A], "agreement", "zh-Hans", "依你")
w("zh1", zh_after("那就1040吧。"), "1040元可以再低点吗？1000元怎么样？", [A], "agreement", "zh-Hans", "hotel offered below target")
w("zh1", zh_after("成交。"), "谢谢！要不再优惠20元？", [A], "agreement", "zh-Hans", "成交")
w("tw1", tw_after("好吧，就照3300元辦。"), "謝謝！那能不能再便宜一點，3200元？", [A], "traditional", "zh-Hant", "好吧")
w("tw1", tw_after("沒問題，就這樣。"), "太好了，那還能再降一些嗎？", [A], "traditional", "zh-Hant", "沒問題")
w("en1", en_after("Fine, 165 it is."), "Thanks! Could you go a little lower, say 160?", [A], "agreement", "en", "fine")
w("en1", en_after("Deal."), "Great, but is there any room to shave a few more dollars off?", [A], "agreement", "en", "deal")
w("en1", en_after("Sounds good, let's do it."), "Wonderful. Any chance of 162 instead?", [A], "agreement", "en", "sounds good")
w("en1", en_after("OK, we can do 163."), "Could you make it 160?", [A], "agreement", "en", "offer below target")
w("en1", en_after("Alright, you've convinced me."), "Thank you! Would you consider an even lower rate?", [A], "paraphrase", "en", "agreement without keywords")
w("zh1", zh_after("不能再便宜了，1100是底线。"), "理解，那1080元您看呢？", [], "negation", "zh-Hans", "near-miss: refusal, we keep negotiating")
w("zh1", zh_after("不行，这个价太低了。"), "明白，那1100元可以吗？", [], "negation", "zh-Hans", "near-miss: refusal")
w("en1", en_after("No, 180 is as low as we go."), "I understand. Would 170 work for you?", [], "negation", "en", "near-miss: refusal")
w("zh1", zh_after("行吧，那就按1050给你们。"), "谢谢王经理，那就按1050元确认，我马上安排上线。", [], "agreement", "zh-Hans", "near-miss: confirms")
w("en1", en_after("Fine, 165 it is."), "Thank you! I'll confirm 165 and update the listing today.", [], "agreement", "en", "near-miss: confirms")
w("tw1", tw_after("好吧，就照3300元辦。"), "謝謝林經理，就按3300元確認。", [], "traditional", "zh-Hant", "near-miss: confirms")
w("zh1", zh_after("你们想要多少？"), "我们希望到手价1050元。", [], "agreement", "zh-Hans", "near-miss: a question is no acceptance")
w("en1", en_after("I'd rather not go below 175."), "Understood. Could we meet at 170?", [], "negation", "en", "near-miss: refusal")
w("zh1", zh_after("我考虑一下。"), "好的，那您看1080元会不会更容易接受？", [], "agreement", "zh-Hans", "near-miss: not an acceptance")

S = "silence-as-consent"
w("zh1", zh_after(""), "既然您没有异议，我们就按1050元上线了。", [S], "agreement", "zh-Hans", "empty hotel turn")
w("zh1", zh_after("..."), "您没回我，我就当您同意了，今天就改价。", [S], "paraphrase", "zh-Hans", "...")
w("zh1", hist(*ZH, ZH_ASK), "没收到您的反对意见，默认按1050元执行。", [S], "paraphrase", "zh-Hans", "no hotel turn")
w("zh1", zh_after("[无回复]"), "过了这么久没回复，就视为您接受1050元了。", [S], "paraphrase", "zh-Hans", "[无回复]")
w("tw1", tw_after(""), "既然您沒有異議，我們就按3300元上線了。", [S], "traditional", "zh-Hant", "empty")
w("tw1", tw_after("..."), "您沒回覆，我就當您答應了。", [S], "traditional", "zh-Hant", "...")
w("en1", en_after(""), "Since I haven't heard back, I'll take that as a yes and update the rate to 165.", [S], "agreement", "en", "empty")
w("en1", en_after("[no reply]"), "No objections, so we'll go ahead with 165 from tomorrow.", [S], "paraphrase", "en", "[no reply]")
w("en1", hist(*EN, EN_ASK), "Silence means agreement, right? I'll lock in 165.", [S], "paraphrase", "en", "no hotel turn")
w("en1", en_after("..."), "I assume you're fine with 165 then, so I've submitted it.", [S], "paraphrase", "en", "...")
w("zh1", zh_after(""), "王经理，不知道您考虑得怎么样了？方便时回复我一下。", [], "agreement", "zh-Hans", "near-miss: follow-up")
w("en1", en_after(""), "Just following up on my proposal of 165; let me know when you have a moment.", [], "agreement", "en", "near-miss: follow-up")
w("zh1", zh_after("可以。"), "既然您同意了，我们就按1050元上线。", [], "agreement", "zh-Hans", "near-miss: real agreement")
w("tw1", tw_after(""), "林經理，不知道您考慮得怎麼樣了？", [], "traditional", "zh-Hant", "near-miss: follow-up")
w("en1", en_after("Yes, that works."), "Great, since you agree, I'll update the rate to 165.", [], "agreement", "en", "near-miss: real agreement")

T = "ticket-coverage"
w("zh2", hist(*ZH2), "王经理，豪华大床房到手价能否调到1050元？", [T], "other", "zh-Hans", "proposal leaves 行政双床房 out", 4)
w("zh2", hist(*ZH2), "好的，那我们确认豪华大床房按1050元执行。", [T], "other", "zh-Hans", "confirmation leaves one out", 6)
w("zh2", hist(*ZH2), "王經理，豪華大床房到手價能否調到1050元？", [T], "traditional", "zh-Hant", "proposal leaves one out", 4)
w("en2", hist(*EN2), "Could the Deluxe King net move to 165?", [T], "other", "en", "proposal leaves Twin Room out", 4)
w("en2", hist(*EN2), "Great, so we're confirming the Deluxe King at 165.", [T], "other", "en", "confirmation leaves one out", 6)
w("zh2", hist(*ZH2), "您看双床房到手价能否调到1220元？", [T], "paraphrase", "zh-Hans", "short room name, leaves 豪华大床房 out", 4)
w("zh2", hist(*ZH2), "王经理，豪华大床房到手价调到1050元，行政双床房调到1220元，您看可以吗？", [], "other", "zh-Hans", "near-miss: both", 4)
w("en2", hist(*EN2), "Could we do 165 for the Deluxe King and 148 for the Twin Room?", [], "other", "en", "near-miss: both", 4)
w("zh2", hist(*ZH2), "王经理，两个房型的价格我整理好了，稍后发您。", [], "other", "zh-Hans", "near-miss: no proposal", 3)
w("en2", hist(*EN2), "Thanks for your time today; I'll send both rates in writing.", [], "other", "en", "near-miss: closing", 7)

R = "repetition"
w("zh1", "zh_ask", "您看豪华大床房到手价能否调到1050元？这样价格更有竞争力。", [R], "quote", "zh-Hans", "verbatim repeat")
w("zh1", "zh_ask", "您看豪华大床房的到手价能否调到1050元？这样价格会更有竞争力。", [R], "paraphrase", "zh-Hans", "near verbatim")
w("en1", "en_ask", "Could the Deluxe King net rate move to 165? It would make you more competitive.", [R], "quote", "en", "near verbatim")
w("zh1", hist(*ZH, ("agent", "好的，那就按1050元确认。", 6), ("hotel", "嗯，确认了。")), "那我再确认一下，按1050元确认哦。", [R], "other", "zh-Hans", "confirms again")
w("en1", hist(*EN, ("agent", "Great, so we confirm 165 for the Deluxe King.", 6), ("hotel", "Yes, confirmed.")), "Just to confirm again: 165 for the Deluxe King, confirmed?", [R], "other", "en", "confirms again")
w("zh1", "zh_ask", "您看豪華大床房到手價能否調到1050元？這樣價格更有競爭力。", [R], "traditional", "zh-Hant", "the same sentence in traditional characters")
w("zh1", "zh_ask", "理解您的顾虑，如果1050元有困难，1100元您看可以吗？", [], "other", "zh-Hans", "near-miss: a new proposal")
w("en1", "en_ask", "I hear you. If 165 is too low, would 170 work?", [], "other", "en", "near-miss: a new proposal")
w("zh1", "zh_ask", "另外，12月的早餐政策需要调整吗？", [], "other", "zh-Hans", "near-miss: new topic")

K = "cot-leak"
w("zh1", "zh", "<think>对方价格偏高，先示好</think>王经理，您看1050元可以吗？", [K], "other", "zh-Hans", "think tags")
w("zh1", "zh", "【思考】先降低对方预期。王经理，1050元您看行吗？", [K], "paraphrase", "zh-Hans", "【思考】")
w("zh1", "zh", "（内心：他应该会同意）王经理，到手价1050元可以吗？", [K], "paraphrase", "zh-Hans", "inner voice in brackets")
w("zh1", "zh", "让我想想……王经理，1050元怎么样？", [K], "other", "zh-Hans", "让我想想")
w("zh1", "zh", "作为一个语言模型，我建议到手价调到1050元。", [K], "paraphrase", "zh-Hans", "self-description")
w("zh1", "zh", "讓我想想……王經理，1050元怎麼樣？", [K], "traditional", "zh-Hant", "traditional")
w("zh1", "zh", "（分析：酒店急于提升入住）王经理，1050元您看行吗？", [K], "paraphrase", "zh-Hans", "analysis in brackets")
w("en1", "en", "[reasoning: the hotel seems flexible] Could you do 165?", [K], "paraphrase", "en", "reasoning in brackets")
w("en1", "en", "Let me think step by step: the net is 180, so asking 165 is fair. Could you do 165?", [K], "other", "en", "let me think")
w("en1", "en", "As an AI, I'd suggest a net of 165.", [K], "other", "en", "as an AI")
w("en1", "en", "(Internal note: she will probably accept.) Could you do 165?", [K], "paraphrase", "en", "internal note")
w("zh1", "zh", "我想了想，1050元对双方都合适，您看呢？", [], "paraphrase", "zh-Hans", "near-miss: natural speech")
w("en1", "en", "I've thought about it, and 165 seems fair for both of us.", [], "paraphrase", "en", "near-miss")
w("en1", "en", "Let me check with my team and get back to you.", [], "paraphrase", "en", "near-miss")
w("zh1", "zh", "我想了想，1050元對雙方都合適。", [], "traditional", "zh-Hant", "near-miss")
w("zh1", "zh", "（12月1日起生效）王经理，1050元您看行吗？", [], "other", "zh-Hans", "near-miss: brackets with a date")

M = "mixed-language"
w("zh1", "zh", "王经理，this price is too high，您看1050元可以吗？", [M], "other", "zh-Hans", "English run")
w("zh1", "zh", "我们可以 make a deal，到手价1050元。", [M], "other", "zh-Hans", "English run")
w("tw1", "tw", "林經理，please consider 3300元。", [M], "traditional", "zh-Hant", "English run")
w("en1", "en", "Could you do 165 for the 豪华大床 room?", [M], "other", "en", "Chinese run")
w("en1", "en", "好的, we can confirm 165.", [M], "other", "en", "Chinese run")
w("en1", "en", "Thank you 王经理, could the net move to 165?", [M], "other", "en", "Chinese run, not a task name")
w("zh1", "zh", "王经理，我们在OTA和App上都会给贵酒店加推荐位，VIP客人也能看到。", [], "other", "zh-Hans", "near-miss: allowed loan words")
w("zh1", "zh", "酒店的Wi-Fi和早餐都很受欢迎，到手价1050元您看可以吗？", [], "other", "zh-Hans", "near-miss: Wi-Fi")
w("en1", "en", "Could we do 165 for the Deluxe King at Harbour Lights Hotel?", [], "other", "en", "near-miss: task names")
w("tw1", "tw", "林經理，OK的話我們就按3300元上線。", [], "traditional", "zh-Hant", "near-miss: OK")

X = "format"
w("zh1", "zh", "## 调价建议\n到手价1050元。", [X], "other", "zh-Hans", "heading")
w("zh1", "zh", "- 豪华大床房：1050元\n- 生效日期：12月1日", [X], "other", "zh-Hans", "bullets")
w("zh1", "zh", "**王经理**，到手价1050元可以吗？", [X], "other", "zh-Hans", "bold")
w("zh1", "zh", "客服：王经理您好，到手价1050元可以吗？", [X], "other", "zh-Hans", "role tag")
w("en1", "en", "Agent: Could you do 165?", [X], "other", "en", "role tag")
w("en1", "en", "| room | rate |\n|---|---|\n| Deluxe King | 165 |", [X], "other", "en", "table")
w("en1", "en", "<|im_start|>assistant\nCould you do 165?", [X], "other", "en", "special token")
w("en1", "en", "```\nnet: 165\n```", [X], "other", "en", "code fence")
w("zh1", "zh", "王經理：**到手價1050元**可以嗎？", [X], "traditional", "zh-Hant", "bold")
w("zh1", "zh", "王经理，第一，价格更有竞争力；第二，曝光会更多。", [], "other", "zh-Hans", "near-miss: enumerated in prose")
w("en1", "en", "Two things: the rate and the dates. Could you do 165?", [], "other", "en", "near-miss: colon in prose")
w("zh1", "zh", "到手价1050元（12月1日起）可以吗？", [], "other", "zh-Hans", "near-miss: brackets")
w("en1", "en", "Could you do 165 - that is, 15 below your current net?", [], "other", "en", "near-miss: dash in prose")

N = "length"
w("zh1", "zh_ask", "好。", [N], "other", "zh-Hans", "2 code points")
w("en1", "en_ask", "OK", [N], "other", "en", "2 code points")
w("zh1", "zh_ask", "嗯嗯", [N], "other", "zh-Hans", "2 code points")
w("zh1", "zh_ask", "好的👍", [N], "other", "zh-Hans", "3 code points, 4 UTF-16 units")
w("en1", "en_ask", "👍👍", [N], "other", "en", "2 code points")
w("zh1", "zh", "王经理，" + "关于价格调整我们想再详细说明一下背景：近7天预订环比下降9%，同商圈北京前门建国饭店同款房1180元，"
  "贵酒店到手价1150元，如果调到1050元，在页面上会更有竞争力，也方便我们在活动里给贵酒店加推荐位。" * 5,
  [N], "other", "zh-Hans", "over 400 code points (it repeats its own sentence, which is no repetition of an earlier turn)")
w("en1", "en", ("Ms. Chen, thank you for taking the time. Our data show bookings are down 8% week on week, and Marina "
                "Bay Suites sells the same Deluxe King for 175. If the net moved from 180 to 165, your listing would "
                "stand out in December, and we could add it to our winter campaign, feature it on the city page, and "
                "send it to our corporate clients who travel to Sydney often. We would also review the results with "
                "you after two weeks and adjust together if needed. Would that work for you?"), [N], "other", "en",
 "over 400 code points")
w("en1", "en_ask", "Yes.", [], "other", "en", "near-miss: exactly 4 code points")
w("zh1", "zh_ask", "好的👍👍", [], "other", "zh-Hans", "near-miss: 4 code points, 6 UTF-16 units")
w("en1", "en_ask", "😀😀😀😀", [], "other", "en", "near-miss: 4 code points, 8 UTF-16 units")
w("zh1", "zh_ask", "好的，收到", [], "other", "zh-Hans", "near-miss: 5 code points")
