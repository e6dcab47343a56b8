-- No query of ours filters audit events by subject_token_sha256 (the API's filters are type,
-- repository, agent and time), and its index was the one that every exchange's event inserted at a
-- random place: SHA-256 values are uniformly spread, so on H2 each insert read a page of an index
-- larger than the cache back from the file. The column stays; an operator looking a token up by its
-- hash reads the table (or adds an index of their own).
DROP INDEX audit_events_subject_token;
