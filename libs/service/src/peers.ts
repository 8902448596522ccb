import { createClient, type PromiseClient, type ServiceCredentials } from "@wms/grpc";
import { UserServiceService } from "@wms/proto/user";
import { ShopServiceService } from "@wms/proto/shop";
import { ProductServiceService } from "@wms/proto/product";
import { WarehouseServiceService } from "@wms/proto/warehouse";
import { OrderServiceService } from "@wms/proto/order";
import type { CommonConfig } from "./config.js";

/** Clients for the other services, made on first use, calling with this service's credential. */
export class Peers {
  private readonly clients = new Map<string, { close(): void }>();

  constructor(
    private readonly config: CommonConfig,
    private readonly credentials: ServiceCredentials,
  ) {}

  user(): PromiseClient<typeof UserServiceService> {
    return this.get("user", () => createClient(UserServiceService, this.config.USER_SERVICE_ADDR, this.credentials));
  }
  shop(): PromiseClient<typeof ShopServiceService> {
    return this.get("shop", () => createClient(ShopServiceService, this.config.SHOP_SERVICE_ADDR, this.credentials));
  }
  product(): PromiseClient<typeof ProductServiceService> {
    return this.get("product", () => createClient(ProductServiceService, this.config.PRODUCT_SERVICE_ADDR, this.credentials));
  }
  warehouse(): PromiseClient<typeof WarehouseServiceService> {
    return this.get("warehouse", () => createClient(WarehouseServiceService, this.config.WAREHOUSE_SERVICE_ADDR, this.credentials));
  }
  order(): PromiseClient<typeof OrderServiceService> {
    return this.get("order", () => createClient(OrderServiceService, this.config.ORDER_SERVICE_ADDR, this.credentials));
  }

  private get<T extends { close(): void }>(name: string, make: () => T): T {
    let client = this.clients.get(name);
    if (!client) {
      client = make();
      this.clients.set(name, client);
    }
    return client as T;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
