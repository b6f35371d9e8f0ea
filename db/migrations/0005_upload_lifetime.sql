ALTER TABLE "list_imports" ADD COLUMN "notices" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "uploads" ADD COLUMN "uploaded_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "uploads" ADD COLUMN "file_deleted_at" timestamp with time zone;--> statement-breakpoint
-- Files uploaded before this migration count their lifetime from their first upload.
UPDATE "uploads" SET "uploaded_at" = "created_at";
