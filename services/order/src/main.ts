import { runStandalone } from "@wms/service";
import { orderService } from "./module.js";

await runStandalone(orderService);
