package repo.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The CrossWOZ hotel database (1,133 real Beijing hotels, Apache-2.0; {@code data/crosswoz-hotels/}), reduced to
 * what task generation needs. Hotels without a price are skipped. The split between training and evaluation hotels
 * is fixed by the name (CRC32 of its UTF-8 bytes, one in five to evaluation), so no seed can mix them.
 */
public final class HotelDb {
    /** Classpath copy of {@code data/crosswoz-hotels/hotel_db.json}. */
    public static final String RESOURCE = "/repo/eval/data/crosswoz-hotels/hotel_db.json";

    /**
     * One hotel.
     *
     * @param name real name
     * @param type 经济型, 舒适型, 高档型 or 豪华型
     * @param district the 区 of its address (东城区, 朝阳区, ...), or "北京"
     * @param price the database's price per night in CNY
     * @param facilities listed facilities
     */
    public record Hotel(String name, String type, String district, int price, List<String> facilities) {
        public int stars() {
            return switch (type) {
                case "经济型" -> 2;
                case "舒适型" -> 3;
                case "高档型" -> 4;
                case "豪华型" -> 5;
                default -> 3;
            };
        }

        public boolean evaluation() {
            CRC32 crc = new CRC32();
            crc.update(name.getBytes(StandardCharsets.UTF_8));
            return crc.getValue() % 5 == 0;
        }
    }

    private static final Pattern DISTRICT = Pattern.compile("北京(?:市)?(\\p{IsHan}{1,3}?区)");

    private final List<Hotel> hotels;

    private HotelDb(List<Hotel> hotels) {
        this.hotels = List.copyOf(hotels);
    }

    public List<Hotel> all() {
        return hotels;
    }

    /** The hotels of one side of the fixed split, sorted by name. */
    public List<Hotel> split(boolean evaluation) {
        return hotels.stream().filter(h -> h.evaluation() == evaluation).toList();
    }

    /** Loads the bundled copy. */
    public static HotelDb bundled() {
        try (InputStream in = HotelDb.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the hotel database " + RESOURCE + " is missing from the classpath");
            }
            return parse(new ObjectMapper().readTree(in), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": " + e.getMessage(), e);
        }
    }

    public static HotelDb load(Path file) {
        try {
            return parse(new ObjectMapper().readTree(Files.readString(file)), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static HotelDb parse(JsonNode root, String where) {
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException(where + ": expected a JSON array of [name, {...}] pairs");
        }
        List<Hotel> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode h = root.get(i).get(1);
            if (h == null || !h.isObject() || !h.hasNonNull("名称") || !h.hasNonNull("酒店类型")) {
                throw new IllegalArgumentException(where + ": entry " + i + ": expected [name, {\"名称\", \"酒店类型\", ...}]");
            }
            if (!h.hasNonNull("价格")) {
                continue;
            }
            Matcher m = DISTRICT.matcher(h.path("地址").asText(""));
            List<String> fac = new ArrayList<>();
            h.path("酒店设施").forEach(f -> fac.add(f.asText()));
            out.add(new Hotel(h.get("名称").asText(), h.get("酒店类型").asText(), m.find() ? m.group(1) : "北京",
                    h.get("价格").asInt(), fac));
        }
        out.sort(Comparator.comparing(Hotel::name));
        return new HotelDb(out);
    }
}
