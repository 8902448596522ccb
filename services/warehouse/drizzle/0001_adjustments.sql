CREATE TABLE "warehouse"."adjustments" (
	"adjustment_id" uuid PRIMARY KEY NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"delta" bigint,
	"counted_on_hand" bigint,
	"reason" text NOT NULL,
	"note" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"movement_id" uuid NOT NULL,
	"create_time" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "adjustments_warehouse_key" UNIQUE("warehouse_id","idempotency_key"),
	CONSTRAINT "adjustments_change_check" CHECK (("warehouse"."adjustments"."delta" IS NULL) <> ("warehouse"."adjustments"."counted_on_hand" IS NULL)),
	CONSTRAINT "adjustments_reason_check" CHECK ("warehouse"."adjustments"."reason" in ('DAMAGED', 'LOST', 'FOUND', 'COUNT_CORRECTION', 'RETURNED'))
);
--> statement-breakpoint
ALTER TABLE "warehouse"."stock_movements" DROP CONSTRAINT "stock_movements_quantity_check";--> statement-breakpoint
ALTER TABLE "warehouse"."stock_movements" DROP CONSTRAINT "stock_movements_kind_check";--> statement-breakpoint
ALTER TABLE "warehouse"."stock_movements" ADD COLUMN "adjustment_reason" text;--> statement-breakpoint
ALTER TABLE "warehouse"."stock_movements" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "warehouse"."adjustments" ADD CONSTRAINT "adjustments_warehouse_id_warehouses_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "warehouse"."warehouses"("warehouse_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- NOT VALID: every write from now on is checked, while a database that already holds a larger level still migrates.
ALTER TABLE "warehouse"."stock_levels" ADD CONSTRAINT "stock_levels_on_hand_max_check" CHECK ("warehouse"."stock_levels"."on_hand" <= 1000000000) NOT VALID;--> statement-breakpoint
ALTER TABLE "warehouse"."stock_movements" ADD CONSTRAINT "stock_movements_adjustment_check" CHECK (("warehouse"."stock_movements"."kind" = 'ADJUSTMENT') = ("warehouse"."stock_movements"."adjustment_reason" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "warehouse"."stock_movements" ADD CONSTRAINT "stock_movements_quantity_check" CHECK ("warehouse"."stock_movements"."quantity" > 0 OR "warehouse"."stock_movements"."kind" = 'ADJUSTMENT');--> statement-breakpoint
ALTER TABLE "warehouse"."stock_movements" ADD CONSTRAINT "stock_movements_kind_check" CHECK ("warehouse"."stock_movements"."kind" in ('RECEIPT', 'TRANSFER_OUT', 'TRANSFER_IN', 'RESERVE', 'RELEASE', 'COMMIT', 'ADJUSTMENT'));