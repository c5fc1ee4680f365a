package repo.eval.data;

import java.util.List;
import java.util.Map;

/**
 * The reference agent's wordings, several per move, Chinese and English. Placeholders: {name} the manager,
 * {me} the agent, {room} {rooms} {dates} {sale} {p} {o} {comp} {cprice} {exposure} {conv} {trend} {list}.
 */
final class AgentLines {
    private AgentLines() {
    }

    static final Map<String, List<String>> ZH = Map.ofEntries(
            Map.entry("greet", List.of("{name}您好，我是OTA平台负责贵酒店的商务经理{me}。", "{name}，您好！我是OTA平台的{me}，负责咱们酒店的合作。",
                    "您好{name}，打扰了，我是OTA平台商务{me}。", "{name}好，我是平台这边对接贵酒店的{me}，想占用您两分钟。")),
            Map.entry("nudge", List.of("{name}，不好意思打扰您，想确认下您现在方便聊两分钟吗？", "{name}您好，刚才的消息不知道您看到没有，方便的时候回我一下就好。",
                    "{name}，您先忙，方便时回复我一下，想和您聊聊房价。")),
            Map.entry("purpose", List.of("这次联系您，主要是想聊一下{rooms}在{dates}的价格。", "想跟您沟通一下{rooms}{dates}这几天的房价。",
                    "是这样，{rooms}在{dates}的价格我们想和您商量一下。")),
            Map.entry("evidence", List.of("我们看到附近同档次的{comp}，同类房型卖{cprice}元，贵酒店{room}现在售价{sale}元，价格上偏高。",
                    "{comp}的同类房现在{cprice}元，咱们{room}售价{sale}元，客人比价时容易流失。",
                    "这几天{room}曝光有{exposure}次，但转化率只有{conv}%，{comp}同类房才{cprice}元。",
                    "{trend}，而{comp}同类房型只要{cprice}元，咱们{room}售价{sale}元，竞争力不太够。")),
            Map.entry("propose", List.of("您看{list}，可以吗？", "想请您把{list}，您看行吗？", "如果{list}，在同商圈会更有竞争力，您看怎么样？")),
            Map.entry("propose_item", List.of("{room}到手价调到{p}元")),
            Map.entry("empathy", List.of("理解您的难处，成本确实不低。", "明白，您这边也要考虑收益。", "我理解，大家都不容易。", "辛苦您了，我也知道调价不容易。")),
            Map.entry("retry", List.of("不过{comp}的同类房才{cprice}元，{room}到手价{p}元的话，订单会更稳。", "要不这样，先把{dates}这几天的{room}调到{p}元，看看效果？",
                    "如果{room}能到{p}元，我们这边也会持续帮您关注转化数据。", "{room}到手价{p}元是比较合理的水平，您再考虑一下？")),
            Map.entry("accept", List.of("好的，谢谢{name}！{room}就按{o}元。", "没问题，{room}{o}元可以，谢谢您的支持！", "行，{room}按{o}元来，感谢{name}！")),
            Map.entry("confirm", List.of("确认一下：{list}，麻烦您在后台更新一下。", "跟您核对一下：{list}，辛苦您在后台改好。", "我复述一下：{list}，麻烦您在后台更新。")),
            Map.entry("confirm_item", List.of("{room}{dates}到手价{p}元")),
            Map.entry("open_item", List.of("{room}的价格我们后续再沟通")),
            Map.entry("close", List.of("谢谢{name}的支持，后续有问题随时联系我！", "感谢配合，祝生意兴隆，有事随时联系。", "辛苦了{name}，改好后我这边再跟进数据，再见！")),
            Map.entry("close_nodeal", List.of("好的，理解，{rooms}的价格我们再评估一下，回头再跟您联系，谢谢！", "没关系，您再考虑考虑，有变化随时联系我，谢谢{name}！")),
            Map.entry("giveup", List.of("{name}您先忙，我晚点再联系您，谢谢！", "那不打扰您了，回头再联系，谢谢{name}。")));

    static final Map<String, List<String>> EN = Map.ofEntries(
            Map.entry("greet", List.of("Hello {name}, this is {me} from the OTA platform, I look after your hotel's account.",
                    "Hi {name}, {me} here from the OTA platform's hotel partnerships team.", "Good day {name}, I'm {me}, your account manager at the OTA platform.")),
            Map.entry("nudge", List.of("Sorry to bother you, {name}. Do you have two minutes to talk?", "Hi {name}, just checking whether you saw my message. Reply whenever convenient.",
                    "{name}, no rush, please get back to me when you are free; it is about your room rates.")),
            Map.entry("purpose", List.of("I'd like to talk about the rate of the {rooms} for {dates}.", "I'm reaching out about your {rooms} prices for {dates}.",
                    "It's about the {rooms} for {dates}; I'd like to discuss the price with you.")),
            Map.entry("evidence", List.of("{comp} nearby sells a comparable room at {cprice} yuan, while your {room} sells at {sale} yuan, so guests comparing prices tend to leave.",
                    "Your {room} had {exposure} views recently but converts at only {conv}%, and {comp} offers a similar room at {cprice} yuan.",
                    "We see {trend}, and {comp} sells a similar room at {cprice} yuan while your {room} is at {sale} yuan.")),
            Map.entry("propose", List.of("Could you bring {list}?", "Would it work for you to bring {list}?", "I'd suggest bringing {list}; that would make you much more competitive. What do you think?")),
            Map.entry("propose_item", List.of("the net rate of the {room} down to {p} yuan")),
            Map.entry("empathy", List.of("I understand, costs are high for you too.", "I see, and I appreciate that you have to protect revenue.", "I understand it's not an easy decision.")),
            Map.entry("retry", List.of("Still, {comp} is at {cprice} yuan; at {p} yuan net the {room} would convert much better.",
                    "How about {p} yuan net for the {room} just for {dates}, and we review the results together?",
                    "At {p} yuan net the {room} would be priced fairly for the area; could you consider it?")),
            Map.entry("accept", List.of("Thank you, {name}! {o} yuan for the {room} works for us.", "Great, {o} yuan net for the {room} it is. Thanks for your support!")),
            Map.entry("confirm", List.of("To confirm: {list}. Could you please update it in the extranet?", "Let me confirm: {list}. Please update it in the back office when you can.")),
            Map.entry("confirm_item", List.of("the {room} for {dates} at {p} yuan net")),
            Map.entry("open_item", List.of("the {room} we will discuss later")),
            Map.entry("close", List.of("Thanks for your support, {name}. Feel free to reach me anytime!", "Thank you, {name}, I'll follow up on the numbers. Talk soon!")),
            Map.entry("close_nodeal", List.of("No problem, I understand. Let's keep in touch about the {rooms}, thank you!", "That's fine, {name}. Let me know if anything changes, thank you!")),
            Map.entry("giveup", List.of("I'll get in touch later, {name}. Thank you!", "I won't keep you, {name}; talk later, thank you.")));
}
