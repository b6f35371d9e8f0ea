CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" integer,
	"actor_username" text,
	"role" text,
	"action" text NOT NULL,
	"target" text,
	"region_code" text,
	"result" text NOT NULL,
	"ip" text,
	"detail" jsonb,
	CONSTRAINT "audit_log_result_valid" CHECK ("audit_log"."result" in ('success', 'denied', 'failure')),
	CONSTRAINT "audit_log_no_id_number" CHECK (coalesce("audit_log"."target", '') || ' ' || coalesce("audit_log"."actor_username", '') || ' ' || coalesce("audit_log"."detail"::text, '') !~ '(^|[^0-9A-Za-z])[0-9]{17}[0-9Xx]([^0-9A-Za-z]|$)')
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip" text,
	"user_agent" text,
	"mfa_passed" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"region_code" text NOT NULL,
	"password_hash" text NOT NULL,
	"totp_secret" text,
	"totp_last_step" bigint,
	"totp_enrolled_at" timestamp with time zone,
	"failed_logins" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	CONSTRAINT "users_username_unique" UNIQUE("username"),
	CONSTRAINT "users_username_format" CHECK ("users"."username" ~ '^[a-z0-9][a-z0-9._-]{1,31}$'),
	CONSTRAINT "users_role_valid" CHECK ("users"."role" in ('admin', 'official', 'supervisor', 'clerk', 'auditor')),
	CONSTRAINT "users_region_code_format" CHECK ("users"."region_code" ~ '^[0-9]{6}([0-9]{3}){0,2}$')
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_username","at");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action","at");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
-- Hand-written below this line (drizzle-kit does not generate triggers or functions).
--
-- audit_log is append-only, enforced by the database: UPDATE, DELETE and TRUNCATE raise, whichever
-- client sends them. The one exception is retention: `select audit_prune(before)` deletes rows older
-- than `before`, refuses a bound younger than 180 days, and opens the door only for its own
-- transaction (a transaction-local setting the triggers read). Even a client that sets that setting by
-- hand cannot delete a row younger than 180 days: the row trigger checks each row's age itself.
-- No SECURITY DEFINER: audit_prune runs with the caller's rights.
--
-- These triggers bind every role except the table's owner, who could drop them: in production run the
-- migrations as an owner role and the app as a role that is not the owner (README, security section).
CREATE FUNCTION "audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('audit.prune_before', true), '') <> '' THEN
    IF TG_LEVEL = 'STATEMENT' THEN
      RETURN NULL;
    END IF;
    IF OLD."at" < current_setting('audit.prune_before', true)::timestamptz
       AND OLD."at" < now() - interval '180 days' THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege',
    HINT = 'rows older than 180 days are removed only by audit_prune(before)';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_append_only_statement" BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_append_only_row" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_append_only"();
--> statement-breakpoint
CREATE FUNCTION "audit_prune"("before" timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  deleted bigint;
BEGIN
  IF "before" IS NULL OR "before" > now() - interval '180 days' THEN
    RAISE EXCEPTION 'audit_prune: % is younger than the 180-day minimum retention', "before"
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM set_config('audit.prune_before', "before"::text, true);
  DELETE FROM "audit_log" WHERE "at" < "before";
  GET DIAGNOSTICS deleted = ROW_COUNT;
  PERFORM set_config('audit.prune_before', '', true);
  RETURN deleted;
END
$$;
