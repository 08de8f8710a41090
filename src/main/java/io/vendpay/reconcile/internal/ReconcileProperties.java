package io.vendpay.reconcile.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param checkpointRows lines landed per transaction; the checkpoint a crashed import resumes from. Larger
 *                       chunks amortise the commit, smaller ones lose less work to a crash
 * @param landing        {@code auto}: LOAD DATA LOCAL INFILE from a stream on MariaDB/MySQL, batched inserts
 *                       elsewhere; {@code batch}: batched inserts everywhere (for measuring the two)
 * @param lease          how long a run's claim on an import lasts without renewal; a run that died frees its
 *                       import after this
 * @param feedEvery      how often the server feeds payments only the bill knew through the notification path
 */
@ConfigurationProperties("vendpay.reconcile")
public record ReconcileProperties(
        @DefaultValue("1000000") int checkpointRows,
        @DefaultValue("auto") String landing,
        @DefaultValue("60s") Duration lease,
        @DefaultValue("5s") Duration feedEvery) {

    boolean preferBatch() {
        return "batch".equalsIgnoreCase(landing);
    }
}
