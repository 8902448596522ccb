import { fileURLToPath } from "node:url";
import { bindService } from "@wms/grpc";
import { ShopServiceService } from "@wms/proto/shop";
import type { ServiceModule } from "@wms/service";
import { shopConfigSpec } from "./config.js";
import { createShopRepo } from "./db/repo.js";
import { seedDemoShops } from "./demo-data.js";
import { createShopsDomain } from "./domain/index.js";
import { createShop } from "./rpc/create-shop.js";
import { getShop } from "./rpc/get-shop.js";
import { listShops } from "./rpc/list-shops.js";

export const shopService: ServiceModule<typeof shopConfigSpec> = {
  name: "shop",
  configSpec: shopConfigSpec,
  migrationsFolder: fileURLToPath(new URL("../drizzle", import.meta.url)),
  async create({ db, readDb }) {
    const repo = createShopRepo(db);
    const shops = createShopsDomain({ repo });
    // Listings may lag a read replica; GetShop answers the owner checks of other services'
    // writes, so it reads the primary.
    const listings = createShopsDomain({ repo: createShopRepo(readDb) });
    return {
      bindings: [
        bindService(ShopServiceService, {
          createShop: createShop(shops),
          getShop: getShop(shops),
          listShops: listShops(listings),
        }),
      ],
      seedDemoData: () => seedDemoShops(repo),
    };
  },
};
