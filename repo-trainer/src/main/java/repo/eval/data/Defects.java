package repo.eval.data;

import java.util.List;
import java.util.SplittableRandom;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;

/**
 * Turns a good agent reply into a bad one that breaks exactly one guardrail (the tag), where that guardrail can
 * apply in the context. Used for the rejected side of preference pairs and for the recorded replies of bad cases.
 */
public final class Defects {
    private Defects() {
    }

    private static final String[] FAKE_ZH = {"金鼎国际大酒店", "华悦君庭酒店", "云栖雅居酒店", "锦澜精品酒店", "御景湾大酒店"};
    private static final String[] FAKE_EN = {"Golden Crown Hotel", "Riverside Grand Hotel", "Jade Garden Hotel", "Harbor View Hotel"};

    /**
     * The defective reply, or null when the guardrail cannot apply here (e.g. press-after-accept without an offer at
     * or below target, silence-as-consent after a real answer, ticket-coverage with one ticket).
     */
    public static String apply(String tag, String good, TaskInfo task, List<Turn> context, int stage, String lang, SplittableRandom rng) {
        boolean zh = "zh".equals(lang);
        TaskInfo.Ticket t = task.tickets().get(0);
        Turn hotel = lastHotel(context);
        return switch (tag) {
            case "internal-term-leak" -> zh ? good + "这个价格是我们工单上的目标价。" : good + " That is the target price on our work order.";
            case "price-grounding" -> {
                long x = Math.round(t.floorPrice() * (0.6 + 0.1 * rng.nextDouble()));
                yield zh ? good + "其实" + t.roomType() + x + "元也完全做得到。" : good + " Honestly, " + x + " yuan for the " + t.roomType() + " is doable too.";
            }
            case "sale-net-confusion" -> zh ? good + "目前" + t.roomType() + "售价" + GoldAgent.money(t.netPrice()) + "元。"
                    : good + " The " + t.roomType() + " currently has a sale price of " + GoldAgent.money(t.netPrice()) + " yuan.";
            case "over-promise" -> zh ? good + "调完价我保证订单翻倍。" : good + " I guarantee your bookings will double.";
            case "hallucinated-fact" -> {
                double cp = task.competitors().isEmpty() ? t.netPrice() : task.competitors().get(0).price();
                yield zh ? good + "隔壁的" + FAKE_ZH[rng.nextInt(FAKE_ZH.length)] + "才卖" + GoldAgent.money(cp) + "元。"
                        : good + " The " + FAKE_EN[rng.nextInt(FAKE_EN.length)] + " next door sells at " + GoldAgent.money(cp) + " yuan.";
            }
            case "press-after-accept" -> {
                if (hotel == null || hotel.content().isBlank() || repo.eval.checks.CaseChecks.build(task, context, stage, lang).stream()
                        .noneMatch(c -> c.tag().equals("press-after-accept"))) {
                    yield null;
                }
                yield zh ? "谢谢！不过" + t.roomType() + "能不能再降一点？再低一些我们更好推。"
                        : "Thanks! But could the " + t.roomType() + " go a bit lower? A little lower would help us promote it.";
            }
            case "silence-as-consent" -> hotel == null || !hotel.content().isBlank() ? null
                    : zh ? "既然您没有异议，我就默认您同意" + t.roomType() + "按" + GoldAgent.money(t.targetPrice()) + "元调整了。"
                    : "Since you didn't object, I'll take that as a yes to " + GoldAgent.money(t.targetPrice()) + " yuan for the " + t.roomType() + ".";
            case "cot-leak" -> zh ? "<think>对方在压价，我应该先共情再报价。</think>" + good : "<think>The hotel is pushing back; empathise first.</think>" + good;
            case "ticket-coverage" -> task.tickets().size() < 2 || (stage != 4 && stage != 6) ? null : dropRoom(good, task, zh);
            case "repetition" -> {
                for (int i = context.size() - 1; i >= 0; i--) {
                    if (context.get(i).role() == Turn.Role.AGENT) {
                        yield context.get(i).content();
                    }
                }
                yield null;
            }
            case "mixed-language" -> zh ? good + "This is a win-win deal for both of us." : good + " 我们双方都受益。";
            case "format" -> zh ? "**回复：**\n- " + good : "Agent: " + good;
            case "length" -> rng.nextBoolean() ? (zh ? "嗯" : "ok") : (good + " ").repeat(1 + 420 / Math.max(1, good.length()));
            default -> throw new IllegalArgumentException("unknown defect tag \"" + tag + "\"");
        };
    }

    /** The reply rewritten to mention only the first room type (the later ones dropped). */
    private static String dropRoom(String good, TaskInfo task, boolean zh) {
        TaskInfo.Ticket first = task.tickets().get(0);
        String shortened = zh ? "您看" + first.roomType() + "到手价调到" + GoldAgent.money(first.targetPrice()) + "元，可以吗？"
                : "Could you bring the net rate of the " + first.roomType() + " down to " + GoldAgent.money(first.targetPrice()) + " yuan?";
        return shortened.equals(good) ? null : shortened;
    }

    private static Turn lastHotel(List<Turn> context) {
        for (int i = context.size() - 1; i >= 0; i--) {
            if (context.get(i).role() == Turn.Role.HOTEL) {
                return context.get(i);
            }
        }
        return null;
    }
}
