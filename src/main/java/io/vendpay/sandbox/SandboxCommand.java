package io.vendpay.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.vendpay.shared.CommandLineStore;
import io.vendpay.shared.ConsoleProgress;
import io.vendpay.sandbox.internal.bills.SyntheticDay;
import io.vendpay.sandbox.internal.SandboxDayBills;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar vendpay.jar sandbox bill --channel WECHAT|ALIPAY --date YYYY-MM-DD --out PATH [--rows N --plant K] [--json PATH]}
 * <ul>
 *   <li>with {@code --rows}: a synthetic day of N bill lines with K discrepancies of each kind planted, and the matching
 *       orders and refunds written into the configured store (a bench or test database: it must not hold that day yet);</li>
 *   <li>without: the day's bill of what the embedded sandbox processed, from its books under {@code vendpay.data-dir}
 *       (while a server runs, ask it instead: {@code POST /api/v1/admin/reconciliations} without a file).</li>
 * </ul>
 * {@code .gz} at the end of {@code --out} writes gzip. Exit status 0 done, 1 failed, 2 bad arguments.
 */
public final class SandboxCommand {

    private SandboxCommand() {
    }

    public static int run(String[] args) {
        if (args.length == 0 || !args[0].equals("bill")) {
            return usage("the only sandbox command is 'bill'");
        }
        Map<String, String> opts = CommandLineStore.modeOptions(args, 1, Set.of());
        String channel = opts.getOrDefault("channel", "").toUpperCase();
        LocalDate date;
        try {
            date = LocalDate.parse(opts.getOrDefault("date", ""));
        } catch (DateTimeParseException e) {
            return usage("--date must be YYYY-MM-DD");
        }
        if (!channel.equals("WECHAT") && !channel.equals("ALIPAY")) {
            return usage("--channel must be WECHAT or ALIPAY");
        }
        if (!opts.containsKey("out")) {
            return usage("--out is required");
        }
        Path out = Path.of(opts.get("out"));
        try (var ctx = CommandLineStore.open(CommandLineStore.springArgs(args))) {
            Path dataDir = Path.of(ctx.getEnvironment().getProperty("vendpay.data-dir", "./data"));
            Map<String, Object> result;
            if (opts.containsKey("rows")) {
                long rows = Long.parseLong(opts.get("rows"));
                int plant = Integer.parseInt(opts.getOrDefault("plant", "0"));
                var day = new SyntheticDay(channel, date, rows, plant);
                var bar = new ConsoleProgress(System.err, "sandbox bill " + channel + " " + date);
                result = new LinkedHashMap<>(day.write(ctx.getBean(DataSource.class), out,
                        channel.equals("ALIPAY") ? "2088000000000001" : "1900000001", done -> bar.update(done, rows, done)));
                bar.finish(rows);
            } else {
                result = new LinkedHashMap<>();
                result.put("channel", channel);
                result.put("date", date.toString());
                result.put("rows", SandboxDayBills.fromLedger(dataDir, channel, date, out));
                result.put("file", out.toString());
            }
            result.put("heap_max_mb", CommandLineStore.peakHeapMb());
            String json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(result);
            System.out.println(json);
            if (opts.containsKey("json")) {
                Files.writeString(Path.of(opts.get("json")), json + "\n");
            }
            return 0;
        } catch (NumberFormatException e) {
            return usage("--rows and --plant must be whole numbers");
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (Exception e) {
            System.err.println("vendpay sandbox bill: " + e.getMessage());
            return 1;
        }
    }

    private static int usage(String problem) {
        System.err.println("vendpay sandbox: " + problem);
        System.err.println("usage: vendpay sandbox bill --channel WECHAT|ALIPAY --date YYYY-MM-DD --out PATH [--rows N --plant K] [--json PATH]");
        return 2;
    }
}
