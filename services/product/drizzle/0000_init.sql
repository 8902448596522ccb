CREATE SCHEMA "product";
--> statement-breakpoint
CREATE TABLE "product"."products" (
	"product_id" uuid PRIMARY KEY NOT NULL,
	"shop_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"price_cents" bigint NOT NULL,
	"create_time" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_price_positive" CHECK ("product"."products"."price_cents" > 0)
);
--> statement-breakpoint
CREATE INDEX "products_shop_idx" ON "product"."products" USING btree ("shop_id","product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "products_shop_name_key" ON "product"."products" USING btree ("shop_id",lower("name"));