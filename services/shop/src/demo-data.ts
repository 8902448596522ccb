import { demoShops } from "@wms/demo";
import type { ShopRepo } from "./db/repo.js";

/** Loads the demo shops when the service has none. */
export async function seedDemoShops(repo: ShopRepo): Promise<boolean> {
  if ((await repo.count()) > 0) return false;
  for (const shop of demoShops) await repo.insert(shop);
  return true;
}
