CREATE TABLE "todo_reads" (
	"user_id" integer NOT NULL,
	"item_key" text NOT NULL,
	"read_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "todo_reads_user_id_item_key_pk" PRIMARY KEY("user_id","item_key")
);
--> statement-breakpoint
ALTER TABLE "circulars" ADD COLUMN "issuer" text;--> statement-breakpoint
ALTER TABLE "circulars" ADD COLUMN "doc_no" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "must_change_password" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "todo_reads" ADD CONSTRAINT "todo_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "todo_reads_read_at_idx" ON "todo_reads" USING btree ("read_at");