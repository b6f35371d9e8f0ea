CREATE TABLE "current_lists" (
	"campaign_id" text NOT NULL,
	"list_key" text NOT NULL,
	"import_id" text NOT NULL,
	"version" integer NOT NULL,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "current_lists_campaign_id_list_key_pk" PRIMARY KEY("campaign_id","list_key")
);
--> statement-breakpoint
CREATE TABLE "hardship_rows" (
	"import_id" text NOT NULL,
	"id_number" text NOT NULL,
	"line" integer NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"birth_date" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_errors" (
	"import_id" text NOT NULL,
	"seq" integer NOT NULL,
	"line" integer NOT NULL,
	"column" text NOT NULL,
	"value" text NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "import_errors_import_id_seq_pk" PRIMARY KEY("import_id","seq")
);
--> statement-breakpoint
CREATE TABLE "list_imports" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"upload_id" text NOT NULL,
	"list" text NOT NULL,
	"list_key" text NOT NULL,
	"category" text,
	"department" text,
	"list_date" date,
	"file_name" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"mapping" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"version" integer,
	"rows_total" integer DEFAULT 0 NOT NULL,
	"rows_stored" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"message" text,
	"encoding" text,
	"screen_after" boolean DEFAULT false NOT NULL,
	"screening_run_id" text,
	"workflow_id" text NOT NULL,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "refusals" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "refusals_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"campaign_id" text NOT NULL,
	"id_number" text NOT NULL,
	"statement_by" text NOT NULL,
	"visits" integer NOT NULL,
	"note" text NOT NULL,
	"evidence_name" text NOT NULL,
	"evidence_type" text NOT NULL,
	"evidence_sha256" text NOT NULL,
	"evidence" "bytea" NOT NULL,
	"actor" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "roster_rows" (
	"import_id" text NOT NULL,
	"id_number" text NOT NULL,
	"line" integer NOT NULL,
	"name" text NOT NULL,
	"village_code" text NOT NULL,
	"status" text NOT NULL,
	"tier_fen" integer,
	"last_year_tier_fen" integer,
	"payment_status" text,
	"drawing_pension" boolean NOT NULL,
	"birth_date" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "screening_results" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"id_number" text NOT NULL,
	"name" text NOT NULL,
	"categories" text[] NOT NULL,
	"village_code" text,
	"outcome" text NOT NULL,
	"reason" text,
	"tier_fen" integer,
	"gov_paid_fen" integer NOT NULL,
	"personal_fen" integer NOT NULL,
	"subsidy_fen" integer NOT NULL,
	"change" text,
	"refusal_id" integer
);
--> statement-breakpoint
CREATE TABLE "screening_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"scope" text,
	"status" text DEFAULT 'running' NOT NULL,
	"lists" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"policy" jsonb,
	"total" integer,
	"counts" jsonb,
	"ineligible_by_reason" jsonb,
	"changes" jsonb,
	"previous_run_id" text,
	"workflow_id" text NOT NULL,
	"actor" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "screening_summaries" (
	"run_id" text NOT NULL,
	"unit_code" text NOT NULL,
	"listed" integer NOT NULL,
	"covered" integer NOT NULL,
	"to_mobilise" integer NOT NULL,
	"ineligible" integer NOT NULL,
	"refused" integer NOT NULL,
	"gov_paid_fen" bigint NOT NULL,
	CONSTRAINT "screening_summaries_run_id_unit_code_pk" PRIMARY KEY("run_id","unit_code")
);
--> statement-breakpoint
CREATE TABLE "uploads" (
	"id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"list" text NOT NULL,
	"file_name" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"file_kind" text NOT NULL,
	"headers" jsonb NOT NULL,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uploads_campaign_id_id_pk" PRIMARY KEY("campaign_id","id")
);
--> statement-breakpoint
ALTER TABLE "current_lists" ADD CONSTRAINT "current_lists_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_imports" ADD CONSTRAINT "list_imports_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refusals" ADD CONSTRAINT "refusals_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screening_runs" ADD CONSTRAINT "screening_runs_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hardship_rows_id_idx" ON "hardship_rows" USING btree ("import_id","id_number");--> statement-breakpoint
CREATE INDEX "list_imports_campaign_idx" ON "list_imports" USING btree ("campaign_id","created_at");--> statement-breakpoint
CREATE INDEX "refusals_person_idx" ON "refusals" USING btree ("campaign_id","id_number");--> statement-breakpoint
CREATE INDEX "screening_results_person_idx" ON "screening_results" USING btree ("run_id","id_number");--> statement-breakpoint
CREATE INDEX "screening_results_village_idx" ON "screening_results" USING btree ("run_id","village_code","outcome");--> statement-breakpoint
CREATE INDEX "screening_runs_campaign_idx" ON "screening_runs" USING btree ("campaign_id","started_at");