package repo.eval.sim;

import java.util.List;
import java.util.Map;

/** What the simulated hotel says, several wordings per move, Chinese and English ({p} agent's price, {o} offer). */
final class HotelLines {
    private HotelLines() {
    }

    static final Map<String, List<String>> ZH = Map.ofEntries(
            Map.entry("greet", List.of("你好，哪位？", "喂，您好，什么事？", "你好，我是{name}，请讲。", "嗯，你好，有什么事吗", "您好，请问是哪个平台的？", "在的，你说")),
            Map.entry("neutral", List.of("嗯，你说。", "具体是什么情况？", "哦，你接着说。", "你想说哪个房型？", "然后呢？", "嗯嗯，我听着呢")),
            Map.entry("ask_price", List.of("那你们想要多少？", "你直接说个数吧。", "那你们希望调到多少？", "说吧，想降到多少")),
            Map.entry("accept", List.of("行吧，{room}就按{p}元。", "可以，{room}到手价{p}元没问题。", "好，{room}{p}元我同意。", "那就{p}元吧，{room}按这个来。")),
            Map.entry("counter", List.of("{room}{p}元太低了，最多只能给到{o}元。", "这个价不行，{room}最低{o}元。", "我们成本也高，{room}{o}元是底线了。", "{o}元吧，{room}再低真做不了。")),
            Map.entry("floor", List.of("真的不能再低了，{room}最低{o}元。", "{room}{o}元已经是最低价了，再低亏本。")),
            Map.entry("anchor", List.of("降那么多不可能，{room}最多降到{o}元。", "{room}啊，最多给你{o}元，不能再多降了。")),
            Map.entry("acked", List.of("好的，那就这么定。", "行，就按刚才说的。", "嗯，可以。")),
            Map.entry("confirm", List.of("好的，我这就去后台改。", "收到，下午改好。", "行，我让同事更新一下。")),
            Map.entry("bye", List.of("好，再见。", "嗯，有事再联系。", "好的，拜拜。")),
            Map.entry("busy", List.of("我在开会，长话短说。", "现在有点忙，你快说。")));

    static final Map<String, List<String>> EN = Map.ofEntries(
            Map.entry("greet", List.of("Hello, who is this?", "Hi, {name} speaking. What's up?", "Hello, how can I help?", "Hi, which platform are you from?")),
            Map.entry("neutral", List.of("Okay, go on.", "What is this about exactly?", "Sure, tell me more.", "Which room type do you mean?", "And?")),
            Map.entry("ask_price", List.of("So what price do you want?", "Just give me a number.", "What rate are you thinking of?")),
            Map.entry("accept", List.of("Fine, {room} at {p} yuan.", "OK, {p} yuan net for the {room} works.", "Alright, I agree to {p} yuan for the {room}.")),
            Map.entry("counter", List.of("{p} yuan is too low for the {room}; the best I can do is {o} yuan.", "That doesn't work. {room}: {o} yuan at the lowest.", "Our costs are high, {o} yuan is our bottom line for the {room}.")),
            Map.entry("floor", List.of("I really can't go lower, {o} yuan for the {room}.", "{o} yuan is already the lowest for the {room}, any lower and we lose money.")),
            Map.entry("anchor", List.of("That's far too much of a cut. I can go to {o} yuan for the {room}, no more.")),
            Map.entry("acked", List.of("OK, let's settle on that.", "Fine, as we said.", "Sure.")),
            Map.entry("confirm", List.of("OK, I'll update it in the extranet now.", "Got it, I'll change it this afternoon.")),
            Map.entry("bye", List.of("OK, bye.", "Sure, talk later.", "Bye.")),
            Map.entry("busy", List.of("I'm in a meeting, make it quick.", "I'm busy right now, go ahead quickly.")));
}
