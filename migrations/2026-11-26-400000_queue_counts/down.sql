DROP TRIGGER application_states_deleted ON applications;
DROP TRIGGER application_states_updated ON applications;
DROP TRIGGER application_states_inserted ON applications;
DROP FUNCTION count_application_states();
DROP TABLE application_state_counts;
