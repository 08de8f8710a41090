-- Retention removes dispense commands oldest first (CommandRetention); their key is not ordered by time.
CREATE INDEX ix_dispense_command_created ON dispense_command (created_at);
