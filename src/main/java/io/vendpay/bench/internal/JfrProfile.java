package io.vendpay.bench.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * What the server's flight recording ({@code bench --jfr}) says about where its CPU went, for the JSON and
 * the HTML page: the CPU by thread pool (from {@code jdk.ThreadCPULoad}, the operating system's per-thread
 * counters) and, from the execution samples, the share of samples by step of an order (the first vendpay
 * frame of a stack says which step it serves) and the hottest methods. Thread numbers are folded into
 * their pool's name ({@code http-nio-8080-exec-12} is {@code http-nio-exec}).
 */
final class JfrProfile {

    private static final Pattern NUMBERS = Pattern.compile("[-#]?\\d+");

    /**
     * Kinds of work on an order's path, by the innermost vendpay class on a sampled stack (first match wins):
     * the library and JDK frames above it are charged to it.
     */
    private static final List<Map.Entry<String, Pattern>> STEPS = List.of(
            Map.entry("channel calls (sign, HTTP, verify answer)", Pattern.compile("io\\.vendpay\\.payment\\.internal\\.(wechat\\.Wechat(PayClient|Merchant)|alipay\\.AlipayChannel).*")),
            Map.entry("notification verify (signature, decrypt, parse)", Pattern.compile("io\\.vendpay\\.payment\\.internal\\.(wechat\\.Wechat(NotificationVerifier|PlatformKeys)|alipay\\.Alipay(NotificationVerifier|Form)).*")),
            Map.entry("order moves and timeline", Pattern.compile("io\\.vendpay\\.ordering\\.internal\\.(Orders|OrderTimeline|OrderLifecycle).*")),
            Map.entry("order intake", Pattern.compile("io\\.vendpay\\.ordering\\.internal\\.OrderIntake.*")),
            Map.entry("notification store", Pattern.compile("io\\.vendpay\\.payment\\.internal\\.(NotificationProcessor|NotificationJournal|wechat\\.WechatNotifyController|alipay\\.AlipayNotifyController).*")),
            Map.entry("dispense (publish, PUBACK, results)", Pattern.compile("io\\.vendpay\\.dispense\\..*")),
            Map.entry("device API door (HMAC, nonce)", Pattern.compile("io\\.vendpay\\.fleet\\.internal\\.(DeviceSignatureFilter|NonceStore).*")),
            Map.entry("machine events in (MQTT)", Pattern.compile("io\\.vendpay\\.fleet\\.internal\\.(MachineEventIntake|MqttMachineLink|MachinePresence).*")),
            Map.entry("fleet (slots, devices)", Pattern.compile("io\\.vendpay\\.fleet\\..*")),
            Map.entry("request body door", Pattern.compile("io\\.vendpay\\.shared\\.BoundedBodyFilter.*")),
            Map.entry("other vendpay code (writers, timers, admin)", Pattern.compile("io\\.vendpay\\..*")));

    private JfrProfile() {
    }

    /** The recording's events between {@code fromMs} and {@code toMs} (the measured load and its drain). */
    static Map<String, Object> of(Path recording, long fromMs, long toMs) throws IOException {
        Map<String, Double> cpuByThread = new HashMap<>();
        Map<String, Integer> samplesByThread = new HashMap<>();
        Map<String, Integer> samplesByStep = new HashMap<>();
        Map<String, Integer> topFrames = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int samples = 0;
        try (var file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                long at = e.getStartTime().toEpochMilli();
                if (at < fromMs || at > toMs) {
                    continue;
                }
                String type = e.getEventType().getName();
                if (type.equals("jdk.ThreadCPULoad")) {
                    cpuByThread.merge(pool(e.getThread()), e.getFloat("user") + (double) e.getFloat("system"), Double::sum);
                } else if (type.equals("jdk.ExecutionSample") && e.getStackTrace() != null) {
                    RecordedThread t = e.getThread("sampledThread");
                    samples++;
                    samplesByThread.merge(pool(t), 1, Integer::sum);
                    List<RecordedFrame> frames = e.getStackTrace().getFrames();
                    if (!frames.isEmpty()) {
                        topFrames.merge(name(frames.get(0)), 1, Integer::sum);
                    }
                    String step = "outside vendpay's code (Tomcat, JDK, libraries on their own threads)";
                    Set<String> seen = new HashSet<>();
                    for (int i = frames.size() - 1; i >= 0; i--) {    // outermost first: the step the work serves
                        String m = name(frames.get(i));
                        if (seen.add(m)) {
                            inclusive.merge(m, 1, Integer::sum);
                        }
                    }
                    for (RecordedFrame f : frames) {                  // innermost vendpay frame says the step
                        String m = name(f);
                        var found = STEPS.stream().filter(s -> s.getValue().matcher(m).matches()).findFirst();
                        if (found.isPresent()) {
                            step = found.get().getKey();
                            break;
                        }
                    }
                    samplesByStep.merge(step, 1, Integer::sum);
                }
            }
        }
        var r = new LinkedHashMap<String, Object>();
        r.put("recording", recording.toString());
        r.put("execution_samples", samples);
        r.put("cpu_share_by_thread_pool", shares(cpuByThread, 15));
        r.put("sample_share_by_thread_pool", shares(toDouble(samplesByThread), 15));
        r.put("sample_share_by_step", shares(toDouble(samplesByStep), 15));
        r.put("hottest_methods_self", shares(toDouble(topFrames), 25));
        Map<String, Double> libraries = new HashMap<>();
        inclusive.forEach((m, n) -> {
            if (!m.startsWith("java.") && !m.startsWith("jdk.") && !m.startsWith("sun.")) {
                libraries.merge(m, (double) n, Math::max);
            }
        });
        r.put("hottest_methods_inclusive", shares(libraries, 40, samples));
        return r;
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String pool(RecordedThread t) {
        if (t == null) {
            return "?";
        }
        String n = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
        return n == null ? "?" : NUMBERS.matcher(n).replaceAll("");
    }

    private static Map<String, Double> toDouble(Map<String, Integer> m) {
        var d = new HashMap<String, Double>();
        m.forEach((k, v) -> d.put(k, v.doubleValue()));
        return d;
    }

    private static Map<String, Object> shares(Map<String, Double> values, int top) {
        return shares(values, top, values.values().stream().mapToDouble(Double::doubleValue).sum());
    }

    /** The {@code top} largest, as percent of {@code total}, largest first. */
    private static Map<String, Object> shares(Map<String, Double> values, int top, double total) {
        var r = new LinkedHashMap<String, Object>();
        values.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
                .forEach(e -> r.put(e.getKey(), BenchRun.round(total == 0 ? 0 : e.getValue() * 100 / total)));
        return r;
    }
}
