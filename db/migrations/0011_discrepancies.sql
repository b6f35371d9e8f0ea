CREATE TABLE "discrepancies" (
	"campaign_id" text NOT NULL,
	"unit_code" text NOT NULL,
	"metric" text NOT NULL,
	"reported" bigint NOT NULL,
	"reported_period" text,
	"corrected_from" text,
	"verified" bigint NOT NULL,
	"difference" bigint NOT NULL,
	"as_of" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"episode" integer DEFAULT 1 NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"answer_by" timestamp with time zone NOT NULL,
	"escalated_at" timestamp with time zone,
	"escalated_to" text,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "discrepancies_campaign_id_unit_code_metric_pk" PRIMARY KEY("campaign_id","unit_code","metric")
);
--> statement-breakpoint
CREATE TABLE "discrepancy_answers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "discrepancy_answers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"campaign_id" text NOT NULL,
	"unit_code" text NOT NULL,
	"metric" text NOT NULL,
	"episode" integer NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"corrected" bigint,
	"actor" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "discrepancies" ADD CONSTRAINT "discrepancies_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discrepancy_answers" ADD CONSTRAINT "discrepancy_answers_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "discrepancies_open_idx" ON "discrepancies" USING btree ("campaign_id","status","answer_by");--> statement-breakpoint
CREATE INDEX "discrepancy_answers_idx" ON "discrepancy_answers" USING btree ("campaign_id","unit_code","metric");