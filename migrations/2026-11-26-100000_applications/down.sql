DROP TABLE rule_settings, pending_posts, reference_counters, submissions, documents, section_versions, applications;
DROP FUNCTION refuse_change();
