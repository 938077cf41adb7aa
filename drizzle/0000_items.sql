CREATE TABLE "items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"owner" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "items_name_length" CHECK (char_length("items"."name") between 1 and 100),
	CONSTRAINT "items_version_positive" CHECK ("items"."version" >= 1)
);
--> statement-breakpoint
CREATE INDEX "items_owner_id_idx" ON "items" USING btree ("owner","id");