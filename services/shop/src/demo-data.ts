import { demoShops } from "@wms/demo";
import type { ShopRepo } from "./db/repo.js";

/** Loads the demo shops when the service has none. */
export async function seedDemoShops(repo: ShopRepo): Promise<void> {
  if ((await repo.count()) > 0) return;
  for (const shop of demoShops) await repo.insert(shop);
}
