package repo.rewards.ota;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What the BD agent knows about the negotiation: the hotel, the price-chase tickets, competitor evidence,
 * demand signals and the counterpart. JSON uses snake_case keys (see the README's "Task schema").
 *
 * @param hotel the hotel being negotiated with
 * @param tickets one or more price-chase tickets (room types whose price is above market)
 * @param competitors competitor offers the agent may cite
 * @param demand exposure/conversion signals the agent may cite (nullable)
 * @param persona free-text description of the hotel counterpart (nullable)
 * @param currency ISO code of every price, CNY by default
 * @param notes optional free text
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record TaskInfo(Hotel hotel, List<Ticket> tickets, List<CompetitorOffer> competitors, DemandSignals demand,
                       String persona, String currency, String notes) {

    public TaskInfo {
        if (hotel == null) {
            throw new IllegalArgumentException("task.hotel is required: {\"name\", \"star_level\", \"city\"}");
        }
        if (tickets == null || tickets.isEmpty()) {
            throw new IllegalArgumentException("task.tickets must hold at least one price-chase ticket");
        }
        tickets = List.copyOf(tickets);
        competitors = competitors == null ? List.of() : List.copyOf(competitors);
        currency = currency == null ? "CNY" : currency;
    }

    /** @param starLevel 1-5 */
    public record Hotel(String name, @JsonProperty("star_level") int starLevel, String city) {
        public Hotel {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("task.hotel.name is required");
            }
        }
    }

    /**
     * A room type on given dates whose price should come down.
     *
     * @param roomType e.g. "豪华大床房" / "Deluxe King"
     * @param dates free text, e.g. "2026-12-01..2026-12-03"
     * @param salePrice 售价: what travellers pay now
     * @param netPrice 到手价: what the hotel receives now
     * @param targetPrice the net price the OTA aims for (internal: never said to the hotel)
     * @param floorPrice the lowest net price the agent may ever accept or propose
     */
    public record Ticket(@JsonProperty("room_type") String roomType, String dates,
                         @JsonProperty("sale_price") double salePrice, @JsonProperty("net_price") double netPrice,
                         @JsonProperty("target_price") double targetPrice, @JsonProperty("floor_price") double floorPrice) {
        public Ticket {
            if (roomType == null || roomType.isBlank()) {
                throw new IllegalArgumentException("ticket.room_type is required");
            }
            if (floorPrice > targetPrice) {
                throw new IllegalArgumentException("ticket " + roomType + ": floor_price " + floorPrice
                        + " is above target_price " + targetPrice + "; the floor is the lowest acceptable net price");
            }
        }
    }

    /** A price the agent may cite as evidence. */
    public record CompetitorOffer(String hotel, String room, double price) {
    }

    /** @param bookingTrend free text such as "down 12% week on week" */
    public record DemandSignals(Double exposure, Double conversion, @JsonProperty("booking_trend") String bookingTrend) {
    }
}
