import { runStandalone } from "@wms/service";
import { warehouseService } from "./module.js";

await runStandalone(warehouseService);
