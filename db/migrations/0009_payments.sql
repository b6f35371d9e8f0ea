CREATE TABLE "payment_rows" (
	"import_id" text NOT NULL,
	"line" integer NOT NULL,
	"id_number" text NOT NULL,
	"name" text NOT NULL,
	"pay_year" integer NOT NULL,
	"tier_fen" integer,
	"amount_fen" integer NOT NULL,
	"paid_on" date NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"insured_region" text
);
--> statement-breakpoint
CREATE TABLE "payment_state" (
	"campaign_id" text PRIMARY KEY NOT NULL,
	"import_id" text NOT NULL,
	"as_of" date NOT NULL,
	"paid" integer NOT NULL,
	"amount_fen" bigint NOT NULL,
	"mobile_paid" integer NOT NULL,
	"roster_people" integer NOT NULL,
	"not_in_roster" integer NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_statuses" (
	"campaign_id" text NOT NULL,
	"id_number" text NOT NULL,
	"import_id" text NOT NULL,
	"name" text NOT NULL,
	"village_code" text,
	"status" text NOT NULL,
	"tier_fen" integer,
	"channel" text,
	"paid_on" date,
	"amount_fen" bigint DEFAULT 0 NOT NULL,
	"last_year_tier_fen" integer,
	CONSTRAINT "payment_statuses_campaign_id_id_number_pk" PRIMARY KEY("campaign_id","id_number")
);
--> statement-breakpoint
CREATE TABLE "visit_outcomes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "visit_outcomes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"campaign_id" text NOT NULL,
	"id_number" text NOT NULL,
	"village_code" text NOT NULL,
	"outcome" text NOT NULL,
	"note" text,
	"actor" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "verified_paid" integer;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "verified_amount_fen" bigint;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "verified_mobile_paid" integer;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "verified_as_of" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "rollup_own" jsonb;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "rollup_children" jsonb;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "rollup_source" text;--> statement-breakpoint
ALTER TABLE "payment_state" ADD CONSTRAINT "payment_state_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_statuses" ADD CONSTRAINT "payment_statuses_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_outcomes" ADD CONSTRAINT "visit_outcomes_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_statuses_village_idx" ON "payment_statuses" USING btree ("campaign_id","village_code","status");--> statement-breakpoint
CREATE INDEX "visit_outcomes_person_idx" ON "visit_outcomes" USING btree ("campaign_id","id_number","recorded_at");