-- Reconciliation against the channels' daily bills. Runs unchanged on MariaDB 10.11 / MySQL 8 and on H2 (MySQL mode).

-- One row per bill file landed (or being landed). The identity (size and hashes of the file's head and
-- tail) makes re-importing the same file a no-op; line_no/byte_offset and the running totals are the
-- checkpoint a crashed import resumes from; they are written in the transaction that lands each chunk.
CREATE TABLE bill_import (
    id                BIGINT        NOT NULL AUTO_INCREMENT,
    channel           VARCHAR(16)   NOT NULL,
    bill_date         CHAR(10)      NOT NULL,
    file_path         VARCHAR(1024) NOT NULL,
    file_identity     CHAR(64)      NOT NULL,
    file_size         BIGINT        NOT NULL,
    status            VARCHAR(16)   NOT NULL,
    claimed_by        VARCHAR(40)   NULL,
    claimed_until     BIGINT        NULL,
    landing_path      VARCHAR(16)   NULL,
    line_no           BIGINT        NOT NULL DEFAULT 0,
    byte_offset       BIGINT        NOT NULL DEFAULT 0,
    row_count         BIGINT        NOT NULL DEFAULT 0,
    pay_count         BIGINT        NOT NULL DEFAULT 0,
    pay_fen           BIGINT        NOT NULL DEFAULT 0,
    settle_fen        BIGINT        NOT NULL DEFAULT 0,
    refund_count      BIGINT        NOT NULL DEFAULT 0,
    refund_fen        BIGINT        NOT NULL DEFAULT 0,
    refund_asked_fen  BIGINT        NOT NULL DEFAULT 0,
    fee_mfen          BIGINT        NOT NULL DEFAULT 0,
    other_count       BIGINT        NOT NULL DEFAULT 0,
    error             VARCHAR(2000) NULL,
    report            TEXT          NULL,
    created_at        BIGINT        NOT NULL,
    updated_at        BIGINT        NOT NULL,
    finished_at       BIGINT        NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_bill_import_day ON bill_import (channel, bill_date, status);

-- The bill's lines, narrowed to what the diff reads (out_trade_no only on refund lines: on a payment it
-- is the trade_key, and every byte here is read twice by the diff). The primary key is the diff's lookup key
-- (import, P/R, out_trade_no or out_refund_no): channels list lines in time order and vendpay's order
-- numbers grow with time, so the clustered inserts are nearly appends and no secondary index is needed.
-- fee_mfen: the bill's fee has five decimals of yuan, i.e. thousandths of a fen.
CREATE TABLE bill_line (
    import_id       BIGINT       NOT NULL,
    kind            CHAR(1)      NOT NULL,
    trade_key       VARCHAR(64)  NOT NULL,
    out_trade_no    VARCHAR(64)  NOT NULL,
    transaction_id  VARCHAR(64)  NOT NULL,
    refund_id       VARCHAR(64)  NOT NULL,
    amount_fen      BIGINT       NOT NULL,
    fee_mfen        BIGINT       NOT NULL,
    traded_at       BIGINT       NOT NULL,
    state           VARCHAR(16)  NOT NULL,
    line_no         BIGINT       NOT NULL,
    PRIMARY KEY (import_id, kind, trade_key)
);

-- Every difference the diff found, with what was done about it: FEED_PENDING (a payment only the bill
-- knows, waiting for the server to feed it through the notification path), FED / ALREADY_STORED (fed),
-- OPERATOR (recorded and alerted: money a person must look at). ref: the channel transaction id, or the
-- out_refund_no for refunds. A natural key, no AUTO_INCREMENT: InnoDB holds a table-level AUTO-INC lock
-- for the whole of an INSERT ... SELECT (innodb_autoinc_lock_mode 1, the default), which serialised the
-- diff's two walks and, at 100 million lines, timed the second one out (error 1467).
CREATE TABLE bill_difference (
    import_id    BIGINT       NOT NULL,
    kind         VARCHAR(24)  NOT NULL,
    order_no     VARCHAR(64)  NOT NULL,
    ref          VARCHAR(64)  NOT NULL,
    bill_fen     BIGINT       NULL,
    local_fen    BIGINT       NULL,
    money_fen    BIGINT       NOT NULL,
    occurred_at  BIGINT       NOT NULL,
    resolution   VARCHAR(16)  NOT NULL,
    created_at   BIGINT       NOT NULL,
    resolved_at  BIGINT       NULL,
    PRIMARY KEY (import_id, kind, order_no, ref)
);
CREATE INDEX ix_bill_difference_resolution ON bill_difference (resolution);

-- The local side of a day: payments by channel and payment time (covering the diff's scan: the order
-- number rides along as the primary key), refunds by channel and request time.
CREATE INDEX ix_orders_paid ON orders (channel, paid_at, paid_amount_fen);
CREATE INDEX ix_refund_created ON refund (channel, created_at);
