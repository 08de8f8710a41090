-- vendpay core schema. Runs unchanged on MariaDB 10.11 / MySQL 8 and on H2 in MySQL mode.
-- Times are epoch milliseconds (BIGINT): no time-zone conversion differs between drivers or stores.
-- Money is integer fen.

CREATE TABLE device (
    device_id     VARCHAR(32)  NOT NULL,
    name          VARCHAR(128) NOT NULL,
    location      VARCHAR(255) NOT NULL,
    secret        VARCHAR(64)  NOT NULL,
    created_at    BIGINT       NOT NULL,
    updated_at    BIGINT       NOT NULL,
    last_seen_at  BIGINT       NULL,
    PRIMARY KEY (device_id)
);

-- stock: units physically in the slot. held: units promised to orders that are not settled yet
-- (unexpired unpaid, paid, dispensing). A sale takes a hold with one conditional update
-- (stock > held), so two machines' customers can never both buy the last can.
CREATE TABLE slot (
    device_id     VARCHAR(32)  NOT NULL,
    slot          VARCHAR(8)   NOT NULL,
    product_id    VARCHAR(64)  NOT NULL,
    product_name  VARCHAR(128) NOT NULL,
    price_fen     BIGINT       NOT NULL,
    stock         INT          NOT NULL,
    capacity      INT          NOT NULL,
    held          INT          NOT NULL DEFAULT 0,
    PRIMARY KEY (device_id, slot)
);

-- Device request nonces seen in the replay window; the primary key is the replay check.
CREATE TABLE device_nonce (
    device_id     VARCHAR(32)  NOT NULL,
    nonce         VARCHAR(64)  NOT NULL,
    seen_at       BIGINT       NOT NULL,
    PRIMARY KEY (device_id, nonce)
);
CREATE INDEX ix_device_nonce_seen ON device_nonce (seen_at);

CREATE TABLE orders (
    order_no         VARCHAR(32)  NOT NULL,
    device_id        VARCHAR(32)  NOT NULL,
    client_order_id  VARCHAR(64)  NOT NULL,
    slot             VARCHAR(8)   NOT NULL,
    product_id       VARCHAR(64)  NOT NULL,
    product_name     VARCHAR(128) NOT NULL,
    amount_fen       BIGINT       NOT NULL,
    channel          VARCHAR(16)  NOT NULL,
    status           VARCHAR(24)  NOT NULL,
    flags            VARCHAR(64)  NULL,
    qr_code          VARCHAR(512) NULL,
    channel_txn_id   VARCHAR(64)  NULL,
    paid_amount_fen  BIGINT       NULL,
    created_at       BIGINT       NOT NULL,
    expires_at       BIGINT       NOT NULL,
    due_at           BIGINT       NULL,
    queries          INT          NOT NULL DEFAULT 0,
    paid_at          BIGINT       NULL,
    settled_at       BIGINT       NULL,
    updated_at       BIGINT       NOT NULL,
    PRIMARY KEY (order_no),
    CONSTRAINT uq_orders_client UNIQUE (device_id, client_order_id)
);
CREATE INDEX ix_orders_created ON orders (created_at);
CREATE INDEX ix_orders_status ON orders (status, created_at);
-- The unpaid-order timer: when to query the channel next, or to expire (see UnpaidOrderTimer).
CREATE INDEX ix_orders_due ON orders (status, due_at);
CREATE INDEX ix_orders_device ON orders (device_id, created_at);

-- The story of each order: one row per transition, appended in the transaction that made it.
CREATE TABLE order_event (
    id           BIGINT       NOT NULL AUTO_INCREMENT,
    order_no     VARCHAR(32)  NOT NULL,
    occurred_at  BIGINT       NOT NULL,
    type         VARCHAR(32)  NOT NULL,
    from_status  VARCHAR(24)  NULL,
    to_status    VARCHAR(24)  NULL,
    detail       VARCHAR(512) NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_order_event_order ON order_event (order_no, id);

-- Every verified channel notification, stored before it is acknowledged.
-- The unique key is the dedup rule: one row per channel transaction and event type,
-- however many times and on whichever node the channel delivers it.
CREATE TABLE payment_notification (
    id               BIGINT       NOT NULL AUTO_INCREMENT,
    channel          VARCHAR(16)  NOT NULL,
    transaction_id   VARCHAR(64)  NOT NULL,
    event_type       VARCHAR(40)  NOT NULL,
    out_trade_no     VARCHAR(64)  NOT NULL,
    out_refund_no    VARCHAR(64)  NULL,
    notify_id        VARCHAR(128) NULL,
    amount_fen       BIGINT       NULL,
    trade_state      VARCHAR(32)  NULL,
    source           VARCHAR(8)   NOT NULL,
    payload          TEXT         NOT NULL,
    received_at      BIGINT       NOT NULL,
    processed_at     BIGINT       NULL,
    outcome          VARCHAR(32)  NULL,
    attempts         INT          NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    CONSTRAINT uq_payment_notification UNIQUE (channel, transaction_id, event_type)
);
CREATE INDEX ix_payment_notification_pending ON payment_notification (processed_at, received_at);
CREATE INDEX ix_payment_notification_order ON payment_notification (out_trade_no);

-- One command per order (invariant 2); cmd_id is derived from the order number,
-- so every re-send carries the same id.
CREATE TABLE dispense_command (
    cmd_id         VARCHAR(40)  NOT NULL,
    order_no       VARCHAR(32)  NOT NULL,
    device_id      VARCHAR(32)  NOT NULL,
    slot           VARCHAR(8)   NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    created_at     BIGINT       NOT NULL,
    first_sent_at  BIGINT       NULL,
    last_sent_at   BIGINT       NULL,
    send_count     INT          NOT NULL DEFAULT 0,
    next_due_at    BIGINT       NULL,
    unknown_at     BIGINT       NULL,
    result_ok      BOOLEAN      NULL,
    result_reason  VARCHAR(64)  NULL,
    result_at      BIGINT       NULL,
    PRIMARY KEY (cmd_id),
    CONSTRAINT uq_dispense_command_order UNIQUE (order_no)
);
CREATE INDEX ix_dispense_command_due ON dispense_command (status, next_due_at);

-- One refund per order; out_refund_no is derived from the order number, so a retried
-- request can never become a second refund at the channel.
CREATE TABLE refund (
    out_refund_no     VARCHAR(64)  NOT NULL,
    order_no          VARCHAR(32)  NOT NULL,
    channel           VARCHAR(16)  NOT NULL,
    channel_txn_id    VARCHAR(64)  NOT NULL,
    total_fen         BIGINT       NOT NULL,
    refund_fen        BIGINT       NOT NULL,
    reason            VARCHAR(80)  NOT NULL,
    status            VARCHAR(16)  NOT NULL,
    channel_refund_id VARCHAR(64)  NULL,
    attempts          INT          NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT       NULL,
    last_error        VARCHAR(512) NULL,
    created_at        BIGINT       NOT NULL,
    updated_at        BIGINT       NOT NULL,
    settled_at        BIGINT       NULL,
    PRIMARY KEY (out_refund_no),
    CONSTRAINT uq_refund_order UNIQUE (order_no)
);
CREATE INDEX ix_refund_due ON refund (status, next_attempt_at);
