package io.vendpay.fleet.internal;

import java.util.List;
import java.util.Optional;

import io.vendpay.fleet.SlotOffer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class SlotRepository {

    private final JdbcClient jdbc;

    SlotRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<SlotOffer> offer(String deviceId, String slot) {
        return jdbc.sql("SELECT device_id, slot, product_id, product_name, price_fen FROM slot WHERE device_id = ? AND slot = ?")
                .params(deviceId, slot)
                .query((rs, i) -> new SlotOffer(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)))
                .optional();
    }

    public boolean hold(String deviceId, String slot) {
        return jdbc.sql("UPDATE slot SET held = held + 1 WHERE device_id = ? AND slot = ? AND stock > held")
                .params(deviceId, slot).update() == 1;
    }

    public void release(String deviceId, String slot) {
        jdbc.sql("UPDATE slot SET held = held - 1 WHERE device_id = ? AND slot = ? AND held > 0")
                .params(deviceId, slot).update();
    }

    public void consume(String deviceId, String slot) {
        jdbc.sql("""
                UPDATE slot SET held = CASE WHEN held > 0 THEN held - 1 ELSE 0 END,
                                stock = CASE WHEN stock > 0 THEN stock - 1 ELSE 0 END
                WHERE device_id = ? AND slot = ?""")
                .params(deviceId, slot).update();
    }

    /** The machine reports what a slot holds after a restock; held units stay held. 0 rows: no such slot, or above capacity. */
    public int restock(String deviceId, String slot, int stock) {
        return jdbc.sql("UPDATE slot SET stock = ? WHERE device_id = ? AND slot = ? AND capacity >= ?")
                .params(stock, deviceId, slot, stock).update();
    }

    List<SlotRow> slotsOf(String deviceId) {
        return jdbc.sql("SELECT slot, product_id, product_name, price_fen, stock, capacity, held FROM slot WHERE device_id = ? ORDER BY slot")
                .param(deviceId)
                .query((rs, i) -> new SlotRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getInt(5), rs.getInt(6), rs.getInt(7)))
                .list();
    }

    void insertSlots(String deviceId, List<SlotRow> rows) {
        for (SlotRow w : rows) {
            jdbc.sql("""
                    INSERT INTO slot (device_id, slot, product_id, product_name, price_fen, stock, capacity, held)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 0)""")
                    .params(deviceId, w.slot(), w.productId(), w.productName(), w.priceFen(), w.stock(), w.capacity())
                    .update();
        }
    }

    void replaceSlots(String deviceId, List<SlotRow> wanted) {
        List<String> existing = jdbc.sql("SELECT slot FROM slot WHERE device_id = ?").param(deviceId).query(String.class).list();
        for (String s : existing) {
            if (wanted.stream().noneMatch(w -> w.slot().equals(s))) {
                jdbc.sql("DELETE FROM slot WHERE device_id = ? AND slot = ?").params(deviceId, s).update();
            }
        }
        for (SlotRow w : wanted) {
            int updated = jdbc.sql("""
                    UPDATE slot SET product_id = ?, product_name = ?, price_fen = ?, stock = ?, capacity = ?
                    WHERE device_id = ? AND slot = ?""")
                    .params(w.productId(), w.productName(), w.priceFen(), w.stock(), w.capacity(), deviceId, w.slot())
                    .update();
            if (updated == 0) {
                insertSlots(deviceId, List.of(w));
            }
        }
    }

    record SlotRow(String slot, String productId, String productName, long priceFen, int stock, int capacity, int held) {
    }
}
