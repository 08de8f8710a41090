package io.vendpay.bench;

import io.vendpay.testing.TestProperties;
import io.vendpay.testing.TestStores;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestProperties.DATA_DIR, TestProperties.SIM_OFF, TestProperties.SANDBOX_FAST, TestProperties.REFUND_FAST,
        TestProperties.BROKER, TestProperties.CLIENT_ID, TestProperties.QUERY_AFTER, TestProperties.REFUND_QUERY_AFTER,
        TestProperties.BENCH_TIMERS_1, TestProperties.BENCH_TIMERS_2, TestProperties.BENCH_TIMERS_3,
        TestProperties.SIMULATOR_USER, TestProperties.SIMULATOR_PASSWORD})
@ContextConfiguration(initializers = TestStores.MariaDb.class)
class ShortRushOnMariaDbTest extends ShortRush {
}
