CREATE TABLE "milestones" (
	"campaign_id" text NOT NULL,
	"key" text NOT NULL,
	"seq" integer NOT NULL,
	"name" text NOT NULL,
	"start_at" timestamp with time zone,
	"due_date" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"shifted" boolean DEFAULT false NOT NULL,
	"reason" jsonb,
	"status" text DEFAULT 'pending' NOT NULL,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"rungs_fired" integer DEFAULT 0 NOT NULL,
	"next_event_at" timestamp with time zone,
	"confirmed_by" text,
	"confirmed_at" timestamp with time zone,
	"confirmation_note" text,
	"version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "milestones_campaign_id_key_pk" PRIMARY KEY("campaign_id","key")
);
--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "workflow_parent" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "targets" jsonb;--> statement-breakpoint
ALTER TABLE "circulars" ADD COLUMN "stream" text DEFAULT 'reports' NOT NULL;--> statement-breakpoint
ALTER TABLE "escalations" ADD COLUMN "stream" text;--> statement-breakpoint
ALTER TABLE "report_periods" ADD COLUMN "stream" text DEFAULT 'reports' NOT NULL;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "stream" text DEFAULT 'reports' NOT NULL;--> statement-breakpoint
ALTER TABLE "milestones" ADD CONSTRAINT "milestones_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Campaigns launched before streams: every county and town ran as a workflow under its nearest
-- county (or the campaign), and every missed report belonged to the single legacy stream.
UPDATE "units" SET "workflow_parent" = "parent_code" WHERE "level" IN ('county', 'town');--> statement-breakpoint
UPDATE "escalations" SET "stream" = 'reports' WHERE "track" = 'missed-report';
