CREATE TABLE "notice_rows" (
	"notice_id" integer NOT NULL,
	"register" text NOT NULL,
	"seq" integer NOT NULL,
	"name" text NOT NULL,
	"id_number" text NOT NULL,
	"cell" text NOT NULL,
	CONSTRAINT "notice_rows_notice_id_register_seq_pk" PRIMARY KEY("notice_id","register","seq")
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notices_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"campaign_id" text NOT NULL,
	"village_code" text NOT NULL,
	"village_name" text NOT NULL,
	"version" integer NOT NULL,
	"state" text NOT NULL,
	"title" text NOT NULL,
	"registers" text NOT NULL,
	"name_mask" text NOT NULL,
	"id_mask" text NOT NULL,
	"days" integer NOT NULL,
	"issuer" text NOT NULL,
	"contact" text,
	"milestone_key" text,
	"import_id" text NOT NULL,
	"as_of" date NOT NULL,
	"paid_count" integer NOT NULL,
	"unpaid_count" integer NOT NULL,
	"prepared_by" text NOT NULL,
	"prepared_at" timestamp with time zone NOT NULL,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"approval_note" text,
	"released_by" text,
	"released_at" timestamp with time zone,
	"period_start" date,
	"period_end" date
);
--> statement-breakpoint
ALTER TABLE "notice_rows" ADD CONSTRAINT "notice_rows_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notices_version_uq" ON "notices" USING btree ("campaign_id","village_code","version");--> statement-breakpoint
CREATE INDEX "notices_campaign_state_idx" ON "notices" USING btree ("campaign_id","state");