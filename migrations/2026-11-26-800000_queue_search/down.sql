DROP INDEX applications_reference_trgm;
DROP INDEX institutions_brn_trgm;
DROP INDEX institutions_name_en_trgm;
DROP INDEX institutions_name_ko_trgm;
DROP EXTENSION IF EXISTS pg_trgm;
