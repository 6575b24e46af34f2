ALTER TABLE "crowd_hits" ADD COLUMN "assignment_duration_seconds" integer;--> statement-breakpoint
ALTER TABLE "crowd_hits" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "crowd_hits" ADD COLUMN "assignments_listed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "crowd_submissions_hit_idx" ON "crowd_submissions" USING btree ("hit_id","external_assignment_id");--> statement-breakpoint
CREATE INDEX "judgments_crowd_submission_idx" ON "judgments" USING btree ("crowd_submission_id") WHERE crowd_submission_id is not null;