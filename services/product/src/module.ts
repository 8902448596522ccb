import { fileURLToPath } from "node:url";
import { bindService } from "@wms/grpc";
import { ProductServiceService } from "@wms/proto/product";
import type { ServiceModule } from "@wms/service";
import { productConfigSpec } from "./config.js";
import { createProductRepo } from "./db/repo.js";
import { seedDemoProducts } from "./demo-data.js";
import { createProductsDomain } from "./domain/index.js";
import { createShopOwners } from "./peers/shop-owners.js";
import { warehouseAvailability } from "./peers/warehouse-availability.js";
import { createProduct } from "./rpc/create-product.js";
import { getProduct } from "./rpc/get-product.js";
import { listProducts } from "./rpc/list-products.js";
import { updateProduct } from "./rpc/update-product.js";
import { batchGetProducts } from "./rpc/batch-get-products.js";

export const productService: ServiceModule<typeof productConfigSpec> = {
  name: "product",
  configSpec: productConfigSpec,
  migrationsFolder: fileURLToPath(new URL("../drizzle", import.meta.url)),
  async create({ db, readDb, peers, config }) {
    const repo = createProductRepo(db);
    // Peer clients are made on first use: the warehouse may start after this service.
    const availability = warehouseAvailability((request, opts) => peers.warehouse().getAvailability(request, opts));
    const owners = createShopOwners((shopId, opts) => peers.shop().getShop({ shopId }, opts), config.SHOP_OWNER_CACHE_SIZE);
    const products = createProductsDomain({ repo, availability, owners });
    // A product's page and the listings may lag a read replica; updates (owner checks) and
    // batchGetProducts (the prices a checkout charges) read the primary.
    const catalog = createProductsDomain({ repo: createProductRepo(readDb), availability, owners });
    return {
      bindings: [
        bindService(ProductServiceService, {
          createProduct: createProduct(products, owners),
          getProduct: getProduct(catalog),
          updateProduct: updateProduct(products),
          listProducts: listProducts(catalog),
          batchGetProducts: batchGetProducts(products),
        }),
      ],
      seedDemoData: () => seedDemoProducts(repo),
    };
  },
};
