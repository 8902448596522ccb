CREATE SCHEMA "warehouse";
--> statement-breakpoint
CREATE TABLE "warehouse"."receipts" (
	"receipt_id" uuid PRIMARY KEY NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"quantity" bigint NOT NULL,
	"idempotency_key" text NOT NULL,
	"create_time" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "receipts_warehouse_key" UNIQUE("warehouse_id","idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "warehouse"."reservation_allocations" (
	"reservation_id" text NOT NULL,
	"product_id" uuid NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"quantity" bigint NOT NULL,
	CONSTRAINT "reservation_allocations_pkey" PRIMARY KEY("reservation_id","product_id","warehouse_id"),
	CONSTRAINT "reservation_allocations_quantity_check" CHECK ("warehouse"."reservation_allocations"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "warehouse"."reservations" (
	"reservation_id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"expire_time" timestamp with time zone NOT NULL,
	"create_time" timestamp with time zone DEFAULT now() NOT NULL,
	"update_time" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reservations_status_check" CHECK ("warehouse"."reservations"."status" in ('HELD', 'COMMITTED', 'RELEASED'))
);
--> statement-breakpoint
CREATE TABLE "warehouse"."stock_levels" (
	"warehouse_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"on_hand" bigint DEFAULT 0 NOT NULL,
	"reserved" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "stock_levels_pkey" PRIMARY KEY("warehouse_id","product_id"),
	CONSTRAINT "stock_levels_quantities_check" CHECK ("warehouse"."stock_levels"."reserved" >= 0 AND "warehouse"."stock_levels"."reserved" <= "warehouse"."stock_levels"."on_hand")
);
--> statement-breakpoint
CREATE TABLE "warehouse"."stock_movements" (
	"movement_id" uuid PRIMARY KEY NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"quantity" bigint NOT NULL,
	"reference_id" text NOT NULL,
	"create_time" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_movements_quantity_check" CHECK ("warehouse"."stock_movements"."quantity" > 0),
	CONSTRAINT "stock_movements_kind_check" CHECK ("warehouse"."stock_movements"."kind" in ('RECEIPT', 'TRANSFER_OUT', 'TRANSFER_IN', 'RESERVE', 'RELEASE', 'COMMIT'))
);
--> statement-breakpoint
CREATE TABLE "warehouse"."transfers" (
	"transfer_id" uuid PRIMARY KEY NOT NULL,
	"from_warehouse_id" uuid NOT NULL,
	"to_warehouse_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"quantity" bigint NOT NULL,
	"requested_by" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"create_time" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "transfers_requester_key" UNIQUE("requested_by","idempotency_key"),
	CONSTRAINT "transfers_distinct_check" CHECK ("warehouse"."transfers"."from_warehouse_id" <> "warehouse"."transfers"."to_warehouse_id"),
	CONSTRAINT "transfers_quantity_check" CHECK ("warehouse"."transfers"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "warehouse"."warehouses" (
	"warehouse_id" uuid PRIMARY KEY NOT NULL,
	"shop_id" uuid NOT NULL,
	"name" text NOT NULL,
	"location" text DEFAULT '' NOT NULL,
	"status" text NOT NULL,
	"create_time" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "warehouses_status_check" CHECK ("warehouse"."warehouses"."status" in ('ACTIVE', 'INACTIVE'))
);
--> statement-breakpoint
ALTER TABLE "warehouse"."receipts" ADD CONSTRAINT "receipts_warehouse_id_warehouses_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "warehouse"."warehouses"("warehouse_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouse"."reservation_allocations" ADD CONSTRAINT "reservation_allocations_reservation_id_reservations_reservation_id_fk" FOREIGN KEY ("reservation_id") REFERENCES "warehouse"."reservations"("reservation_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouse"."reservation_allocations" ADD CONSTRAINT "reservation_allocations_warehouse_id_warehouses_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "warehouse"."warehouses"("warehouse_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouse"."stock_levels" ADD CONSTRAINT "stock_levels_warehouse_id_warehouses_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "warehouse"."warehouses"("warehouse_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouse"."stock_movements" ADD CONSTRAINT "stock_movements_level_fk" FOREIGN KEY ("warehouse_id","product_id") REFERENCES "warehouse"."stock_levels"("warehouse_id","product_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouse"."transfers" ADD CONSTRAINT "transfers_from_warehouse_id_warehouses_warehouse_id_fk" FOREIGN KEY ("from_warehouse_id") REFERENCES "warehouse"."warehouses"("warehouse_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouse"."transfers" ADD CONSTRAINT "transfers_to_warehouse_id_warehouses_warehouse_id_fk" FOREIGN KEY ("to_warehouse_id") REFERENCES "warehouse"."warehouses"("warehouse_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reservations_held_expiry_idx" ON "warehouse"."reservations" USING btree ("expire_time") WHERE "warehouse"."reservations"."status" = 'HELD';--> statement-breakpoint
CREATE INDEX "stock_levels_product_idx" ON "warehouse"."stock_levels" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "stock_movements_warehouse_idx" ON "warehouse"."stock_movements" USING btree ("warehouse_id","movement_id");--> statement-breakpoint
CREATE INDEX "stock_movements_warehouse_product_idx" ON "warehouse"."stock_movements" USING btree ("warehouse_id","product_id","movement_id");--> statement-breakpoint
CREATE INDEX "warehouses_shop_idx" ON "warehouse"."warehouses" USING btree ("shop_id","warehouse_id");