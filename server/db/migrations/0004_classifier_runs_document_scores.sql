CREATE TABLE "classifier_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "classifier_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"project_id" bigint NOT NULL,
	"status" text NOT NULL,
	"settings" jsonb NOT NULL,
	"classes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"train_examples" integer DEFAULT 0 NOT NULL,
	"held_out_examples" integer DEFAULT 0 NOT NULL,
	"report" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"model" "bytea",
	"message" text DEFAULT '' NOT NULL,
	"score_status" text,
	"scored" integer DEFAULT 0 NOT NULL,
	"scored_at" timestamp with time zone,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "document_scores" (
	"document_id" bigint PRIMARY KEY NOT NULL,
	"project_id" bigint NOT NULL,
	"run_id" bigint NOT NULL,
	"score" double precision NOT NULL,
	"probabilities" real[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "classifier_runs" ADD CONSTRAINT "classifier_runs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classifier_runs" ADD CONSTRAINT "classifier_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_scores" ADD CONSTRAINT "document_scores_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_scores" ADD CONSTRAINT "document_scores_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_scores" ADD CONSTRAINT "document_scores_run_id_classifier_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."classifier_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "classifier_runs_project_idx" ON "classifier_runs" USING btree ("project_id","id");--> statement-breakpoint
CREATE INDEX "document_scores_project_idx" ON "document_scores" USING btree ("project_id","document_id");