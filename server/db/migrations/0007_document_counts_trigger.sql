-- Keeps document_counts in step with documents: one row of changes per project and source for each statement that
-- inserts or deletes documents (transition tables, so a chunk of thousands of rows costs one grouped insert).
CREATE FUNCTION document_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO document_counts (project_id, source, n, tokens)
  SELECT project_id, source, count(*), coalesce(sum(token_estimate), 0) FROM changed GROUP BY project_id, source;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION document_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO document_counts (project_id, source, n, tokens)
  SELECT project_id, source, -count(*), -coalesce(sum(token_estimate), 0) FROM changed GROUP BY project_id, source;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER documents_counted_insert AFTER INSERT ON documents REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION document_counts_add();
--> statement-breakpoint
CREATE TRIGGER documents_counted_delete AFTER DELETE ON documents REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION document_counts_remove();
--> statement-breakpoint
-- Source and token estimate never change after import; a change of project_id is not something the app does.
INSERT INTO document_counts (project_id, source, n, tokens)
SELECT project_id, source, count(*), coalesce(sum(token_estimate), 0) FROM documents GROUP BY project_id, source;
