ALTER TABLE "payment_statuses" DROP CONSTRAINT "payment_statuses_campaign_id_campaigns_id_fk";
--> statement-breakpoint
DROP INDEX "payment_statuses_village_idx";--> statement-breakpoint
ALTER TABLE "payment_statuses" DROP CONSTRAINT "payment_statuses_campaign_id_id_number_pk";--> statement-breakpoint
ALTER TABLE "payment_statuses" ADD CONSTRAINT "payment_statuses_person" UNIQUE NULLS NOT DISTINCT("campaign_id","village_code","id_number");--> statement-breakpoint
-- ID numbers and region codes are digit strings: byte order is their order, and the match sorts and
-- indexes them by the million (a locale's collation, even C.UTF-8 on PostgreSQL 15, compares through
-- strcoll: several times slower). drizzle-kit does not track collations; this is written by hand.
ALTER TABLE "payment_statuses" ALTER COLUMN "id_number" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "payment_statuses" ALTER COLUMN "village_code" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "payment_rows" ALTER COLUMN "id_number" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "roster_rows" ALTER COLUMN "id_number" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
-- Visits are looked up by the person of a register row: the same collation keeps their index usable there.
ALTER TABLE "visit_outcomes" ALTER COLUMN "id_number" SET DATA TYPE text COLLATE "C";
