package io.vendpay.perf;

import java.nio.file.Files;
import java.nio.file.Path;

import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks ({@code ./mvnw -Pjmh -DskipTests test-compile exec:exec}); results in bench-out/jmh.json.
 * Arguments: the JSON file, then a regular expression of the benchmarks to run ({@code -Djmh.include=...}; all by default).
 */
public final class Benchmarks {

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-out/jmh.json");
        Files.createDirectories(out.toAbsolutePath().getParent());
        new Runner(new OptionsBuilder()
                .include(args.length > 1 && !args[1].isBlank() ? args[1] : "io\\.vendpay\\..*Benchmarks")
                .forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(2))
                .measurementIterations(5).measurementTime(TimeValue.seconds(2))
                .threads(1)
                .resultFormat(ResultFormatType.JSON).result(out.toString())
                .build()).run();
    }
}
