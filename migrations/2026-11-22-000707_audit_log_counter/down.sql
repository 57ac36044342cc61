DROP TABLE audit_log_counter;
DROP FUNCTION audit_log_counter_refuse_change();
