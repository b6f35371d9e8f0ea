CREATE TABLE "actions" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"reason" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"year" integer NOT NULL,
	"region_code" text NOT NULL,
	"region_name" text NOT NULL,
	"region_level" text NOT NULL,
	"time_zone" text NOT NULL,
	"status" text NOT NULL,
	"current_phase_key" text,
	"workflow_id" text NOT NULL,
	"plan" jsonb NOT NULL,
	"plan_hash" text NOT NULL,
	"launched_by" text NOT NULL,
	"launched_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "phases" (
	"campaign_id" text NOT NULL,
	"key" text NOT NULL,
	"seq" integer NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	CONSTRAINT "phases_campaign_id_key_pk" PRIMARY KEY("campaign_id","key")
);
--> statement-breakpoint
CREATE TABLE "units" (
	"campaign_id" text NOT NULL,
	"code" text NOT NULL,
	"parent_code" text NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"depth" integer NOT NULL,
	"ord" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"workflow_id" text,
	"phase_key" text,
	"target_enrolled" integer,
	"target_paying" integer,
	"target_payment_rate" double precision,
	"target_mobile_share" double precision,
	"enrolled" integer DEFAULT 0 NOT NULL,
	"paid" integer DEFAULT 0 NOT NULL,
	"amount_fen" bigint DEFAULT 0 NOT NULL,
	"mobile_paid" integer DEFAULT 0 NOT NULL,
	"hardship_covered" integer DEFAULT 0 NOT NULL,
	"child_count" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "units_campaign_id_code_pk" PRIMARY KEY("campaign_id","code")
);
--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phases" ADD CONSTRAINT "phases_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "actions_campaign_idx" ON "actions" USING btree ("campaign_id","at");--> statement-breakpoint
CREATE INDEX "units_parent_idx" ON "units" USING btree ("campaign_id","parent_code","ord");