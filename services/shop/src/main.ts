import { runStandalone } from "@wms/service";
import { shopService } from "./module.js";

await runStandalone(shopService);
