CREATE TABLE "calendar_changes" (
	"id" serial PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"version" integer NOT NULL,
	"actor" text NOT NULL,
	"reason" text NOT NULL,
	"summary" text NOT NULL,
	"before" jsonb,
	"after" jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"data" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "circulars" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"period_key" text NOT NULL,
	"seq" integer NOT NULL,
	"title" text NOT NULL,
	"content" jsonb NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"drafted_at" timestamp with time zone NOT NULL,
	"approved_by" text,
	"approval_note" text,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "escalation_responses" (
	"id" text PRIMARY KEY NOT NULL,
	"escalation_id" text NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"text" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalations" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"unit_code" text NOT NULL,
	"track" text NOT NULL,
	"episode" text NOT NULL,
	"rung" text NOT NULL,
	"rung_index" integer NOT NULL,
	"rung_name" text NOT NULL,
	"reason" jsonb NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"notified" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"fired_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"next_rung_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"resolution" text
);
--> statement-breakpoint
CREATE TABLE "inbox_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text,
	"recipient" text NOT NULL,
	"kind" text NOT NULL,
	"ref_id" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text,
	"kind" text NOT NULL,
	"ref_id" text NOT NULL,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "report_periods" (
	"campaign_id" text NOT NULL,
	"unit_code" text NOT NULL,
	"period_key" text NOT NULL,
	"seq" integer NOT NULL,
	"raw_date" text NOT NULL,
	"due_date" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"shifted" boolean DEFAULT false NOT NULL,
	"reason" jsonb,
	"calendar_known" boolean DEFAULT true NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"reported_at" timestamp with time zone,
	"change_note" jsonb,
	"version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_periods_campaign_id_unit_code_period_key_pk" PRIMARY KEY("campaign_id","unit_code","period_key")
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"unit_code" text NOT NULL,
	"period_key" text NOT NULL,
	"revision" integer NOT NULL,
	"enrolled" integer NOT NULL,
	"paid" integer NOT NULL,
	"amount_fen" bigint NOT NULL,
	"mobile_paid" integer NOT NULL,
	"hardship_covered" integer NOT NULL,
	"late" boolean NOT NULL,
	"source" text NOT NULL,
	"actor" text NOT NULL,
	"note" text,
	"submitted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tax_feed_imports" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"file_name" text NOT NULL,
	"encoding" text NOT NULL,
	"rows" integer NOT NULL,
	"as_of" text NOT NULL,
	"source" text NOT NULL,
	"actor" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tax_feed_rows" (
	"import_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"unit_code" text NOT NULL,
	"paid" integer NOT NULL,
	"amount_fen" bigint NOT NULL,
	"as_of" text NOT NULL,
	CONSTRAINT "tax_feed_rows_import_id_unit_code_pk" PRIMARY KEY("import_id","unit_code")
);
--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "own_period_key" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "next_period_key" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "next_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "overdue" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "target_missed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "pace_behind" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "pace_expected" integer;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "tax_paid" integer;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "tax_amount_fen" bigint;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "tax_as_of" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "reporting_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "circulars" ADD CONSTRAINT "circulars_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_responses" ADD CONSTRAINT "escalation_responses_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_messages" ADD CONSTRAINT "inbox_messages_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_periods" ADD CONSTRAINT "report_periods_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tax_feed_imports" ADD CONSTRAINT "tax_feed_imports_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tax_feed_rows" ADD CONSTRAINT "tax_feed_rows_import_id_tax_feed_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."tax_feed_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "circulars_campaign_idx" ON "circulars" USING btree ("campaign_id","seq");--> statement-breakpoint
CREATE INDEX "escalations_campaign_idx" ON "escalations" USING btree ("campaign_id","fired_at");--> statement-breakpoint
CREATE INDEX "escalations_unit_idx" ON "escalations" USING btree ("campaign_id","unit_code");--> statement-breakpoint
CREATE INDEX "inbox_recipient_idx" ON "inbox_messages" USING btree ("recipient","created_at");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "report_periods_due_idx" ON "report_periods" USING btree ("campaign_id","due_at");--> statement-breakpoint
CREATE INDEX "reports_unit_idx" ON "reports" USING btree ("campaign_id","unit_code","period_key","revision");--> statement-breakpoint
CREATE INDEX "tax_feed_unit_idx" ON "tax_feed_rows" USING btree ("campaign_id","unit_code");