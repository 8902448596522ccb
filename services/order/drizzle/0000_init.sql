CREATE SCHEMA "order";
--> statement-breakpoint
CREATE TABLE "order"."order_items" (
	"order_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"quantity" bigint NOT NULL,
	"unit_price_cents" bigint NOT NULL,
	"allocations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "order_items_pk" PRIMARY KEY("order_id","product_id"),
	CONSTRAINT "order_items_quantity_check" CHECK ("order"."order_items"."quantity" > 0),
	CONSTRAINT "order_items_price_check" CHECK ("order"."order_items"."unit_price_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "order"."orders" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"status" text NOT NULL,
	"idempotency_key" text,
	"total_cents" bigint NOT NULL,
	"create_time" timestamp with time zone DEFAULT now() NOT NULL,
	"expire_time" timestamp with time zone NOT NULL,
	"pay_time" timestamp with time zone,
	"payment_reference" text,
	"failure_reason" text,
	"claimed_until" timestamp with time zone,
	"update_time" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_user_idempotency_key" UNIQUE("user_id","idempotency_key"),
	CONSTRAINT "orders_status_check" CHECK ("order"."orders"."status" in ('PENDING', 'PENDING_PAYMENT', 'PAID', 'EXPIRED', 'CANCELLED', 'FAILED')),
	CONSTRAINT "orders_total_check" CHECK ("order"."orders"."total_cents" >= 0)
);
--> statement-breakpoint
ALTER TABLE "order"."order_items" ADD CONSTRAINT "order_items_order_id_orders_order_id_fk" FOREIGN KEY ("order_id") REFERENCES "order"."orders"("order_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orders_user_idx" ON "order"."orders" USING btree ("user_id","order_id");--> statement-breakpoint
CREATE INDEX "orders_due_idx" ON "order"."orders" USING btree ("expire_time") WHERE "order"."orders"."status" = 'PENDING_PAYMENT';--> statement-breakpoint
CREATE INDEX "orders_pending_idx" ON "order"."orders" USING btree ("create_time") WHERE "order"."orders"."status" = 'PENDING';