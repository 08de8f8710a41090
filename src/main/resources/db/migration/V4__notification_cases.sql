-- Stored notifications whose processing kept failing (poison): after vendpay.payment.max-attempts
-- they leave the sweep (processed_at set, outcome POISON) and wait here for an operator, who
-- retries them once the cause is fixed. A separate table, so the hot path writes nothing more.
CREATE TABLE notification_case (
    notification_id BIGINT        NOT NULL,
    raised_at       BIGINT        NOT NULL,
    attempts        INT           NOT NULL,
    last_error      VARCHAR(512)  NOT NULL,
    PRIMARY KEY (notification_id)
);
