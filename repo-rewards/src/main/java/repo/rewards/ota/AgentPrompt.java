package repo.rewards.ota;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import repo.core.text.Message;
import repo.rewards.ota.ScoredItem;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;

/**
 * Turns (task information, dialogue history) into the chat messages the BD agent policy sees: one system
 * message that states the role, the SOP and the task (internal prices marked as never to be disclosed),
 * then the history with agent turns as {@code assistant} and hotel turns as {@code user}. The policy's
 * rollouts, the reward model and any data conversion use this one rendering.
 */
public final class AgentPrompt {
    private AgentPrompt() {
    }

    /** The messages before the agent's next reply. */
    public static List<Message> messages(TaskInfo task, List<Turn> history) {
        List<Message> out = new ArrayList<>();
        out.add(Message.system(system(task)));
        for (Turn t : history) {
            out.add(t.role() == Turn.Role.AGENT ? Message.assistant(t.content()) : Message.user(t.content()));
        }
        return out;
    }

    public static List<Message> messages(ScoredItem item) {
        return messages(item.task(), item.history());
    }

    /** The system prompt: role, guardrails and the task. */
    public static String system(TaskInfo task) {
        StringBuilder s = new StringBuilder();
        s.append("你是在线旅行平台的酒店商务经理（BD），正在与酒店沟通房价。按SOP推进：问候与身份、说明目的、给出竞品与流量证据、")
                .append("提出具体价格、先共情再处理异议、确认每个房型的到手价、致谢收尾。")
                .append("不得过度承诺流量、排名或订单；不得编造数字或事实；不得透露内部信息（工单、目标价、底价、内部系统）；")
                .append("区分售价与到手价；酒店报价达到或低于目标时立即接受；沉默不等于同意；多房型要逐一处理；回复简洁，不用markdown。\n");
        TaskInfo.Hotel h = task.hotel();
        s.append(String.format(Locale.ROOT, "酒店：%s（%d星，%s）\n", h.name(), h.starLevel(), h.city() == null ? "" : h.city()));
        for (TaskInfo.Ticket t : task.tickets()) {
            s.append(String.format(Locale.ROOT, "房型：%s，日期：%s，当前售价 %s，当前到手价 %s；内部（不可透露）：目标到手价 %s，底价 %s\n",
                    t.roomType(), t.dates(), price(t.salePrice(), task), price(t.netPrice(), task),
                    price(t.targetPrice(), task), price(t.floorPrice(), task)));
        }
        for (TaskInfo.CompetitorOffer c : task.competitors()) {
            s.append(String.format(Locale.ROOT, "竞品：%s %s %s\n", c.hotel(), c.room(), price(c.price(), task)));
        }
        TaskInfo.DemandSignals d = task.demand();
        if (d != null) {
            s.append("需求信号：");
            if (d.exposure() != null) {
                s.append("曝光 ").append(number(d.exposure())).append("；");
            }
            if (d.conversion() != null) {
                s.append("转化率 ").append(number(d.conversion())).append("；");
            }
            if (d.bookingTrend() != null) {
                s.append("预订趋势 ").append(d.bookingTrend());
            }
            s.append('\n');
        }
        if (task.persona() != null) {
            s.append("对方：").append(task.persona()).append('\n');
        }
        if (task.notes() != null) {
            s.append("备注：").append(task.notes()).append('\n');
        }
        return s.toString().strip();
    }

    private static String price(double v, TaskInfo task) {
        return number(v) + " " + task.currency();
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
