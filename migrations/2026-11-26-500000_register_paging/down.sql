DROP TRIGGER register_events_changed ON register_events;
DROP TRIGGER register_deployments_changed ON register_deployments;
DROP TRIGGER register_entries_changed ON register_entries;
DROP FUNCTION register_changed();
DROP TABLE register_generation;
DROP INDEX register_entries_by_currency;
DROP INDEX register_entries_by_status;
DROP INDEX register_entries_in_order;
