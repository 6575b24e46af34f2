CREATE TABLE "document_counts" (
	"project_id" bigint NOT NULL,
	"source" text,
	"n" bigint NOT NULL,
	"tokens" double precision NOT NULL
);
--> statement-breakpoint
DROP INDEX "documents_project_source_idx";--> statement-breakpoint
CREATE INDEX "document_counts_project_idx" ON "document_counts" USING btree ("project_id","source");--> statement-breakpoint
CREATE INDEX "documents_project_source_idx" ON "documents" USING btree ("project_id","source","id");