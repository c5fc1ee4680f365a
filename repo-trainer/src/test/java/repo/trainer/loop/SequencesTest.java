package repo.trainer.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import repo.core.text.ChatFormat;
import repo.core.text.Message;
import repo.core.text.QwenTokenizer;

/** The SFT loss mask covers exactly what generation with thinking off would produce. */
class SequencesTest {
    static final ChatFormat CHAT = new ChatFormat();

    @Test
    void aSingleTurnDialogueTrainsExactlyTheGeneratedReply() throws Exception {
        try (QwenTokenizer tok = QwenTokenizer.fromDirectory(Path.of(System.getProperty("repo.tokenizer.dir")))) {
            List<Message> prompt = List.of(Message.system("你是酒店商务经理。"), Message.user("大床房到手价多少？"));
            String reply = "到手价每晚680元。";
            Sequences.Tokens d = Sequences.dialogue(List.of(prompt.get(0), prompt.get(1), Message.assistant(reply)), tok, CHAT);
            Sequences.Tokens g = Sequences.promptAndReply(prompt, reply, tok, CHAT);
            // the dialogue is the generation prompt, the reply with <|im_end|>, and the template's trailing "\n"
            assertThat(Arrays.copyOf(d.ids(), g.length())).containsExactly(g.ids());
            assertThat(d.length()).isEqualTo(g.length() + 1);
            assertThat(Arrays.copyOf(d.target(), g.length())).containsExactly(g.target());
            assertThat(d.target()[d.length() - 1]).isFalse();
            assertThat(tok.decode(targets(d), false)).isEqualTo(reply + "<|im_end|>");
        }
    }

    @Test
    void historyTurnsAreTargetsWithoutTheirThinkBlocks() throws Exception {
        try (QwenTokenizer tok = QwenTokenizer.fromDirectory(Path.of(System.getProperty("repo.tokenizer.dir")))) {
            Sequences.Tokens d = Sequences.dialogue(List.of(Message.user("你好"), Message.assistant("<think>\n想一想\n</think>\n\n您好！"),
                    Message.user("价格？"), Message.assistant("每晚680元。")), tok, CHAT);
            assertThat(tok.decode(targets(d), false)).isEqualTo("您好！<|im_end|>每晚680元。<|im_end|>");
        }
    }

    private static long[] targets(Sequences.Tokens t) {
        return java.util.stream.IntStream.range(0, t.length()).filter(i -> t.target()[i]).mapToLong(i -> t.ids()[i]).toArray();
    }
}
