package io.vendpay.shared;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.context.ApplicationListener;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.config.ScheduledTaskHolder;
import org.springframework.stereotype.Component;

/**
 * One scheduler thread per timer. Spring's default scheduler has a single thread, so a timer that
 * waits (on a slow channel, a busy store) would hold back every other one: dispense re-sends,
 * DISPENSE_UNKNOWN, the notification and refund sweeps, presence. Each timer runs with a fixed delay
 * and never overlaps itself, so with at least as many threads as timers none ever waits for another,
 * and each keeps its own deadline. The count is taken from the timers actually registered, so a new
 * timer gets its thread without anyone remembering to raise a setting.
 */
@Component
class TimerThreads implements ThreadPoolTaskSchedulerCustomizer, ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger("vendpay.timers");

    private final ObjectProvider<ScheduledTaskHolder> holders;
    private volatile ThreadPoolTaskScheduler scheduler;

    TimerThreads(ObjectProvider<ScheduledTaskHolder> holders) {
        this.holders = holders;
    }

    @Override
    public void customize(ThreadPoolTaskScheduler scheduler) {
        scheduler.setThreadNamePrefix("timer-");
        this.scheduler = scheduler;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        ThreadPoolTaskScheduler s = scheduler;
        if (s == null) {
            return;
        }
        int timers = holders.orderedStream().mapToInt(h -> h.getScheduledTasks().size()).sum();
        var pool = s.getScheduledThreadPoolExecutor();
        if (timers > pool.getCorePoolSize()) {
            pool.setCorePoolSize(timers);
        }
        log.info("event=timers.started timers={} threads={}", timers, pool.getCorePoolSize());
    }
}
