CREATE SCHEMA "shop";
--> statement-breakpoint
CREATE TABLE "shop"."shops" (
	"shop_id" uuid PRIMARY KEY NOT NULL,
	"owner_user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"create_time" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "shops_owner_idx" ON "shop"."shops" USING btree ("owner_user_id","shop_id");