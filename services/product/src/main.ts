import { runStandalone } from "@wms/service";
import { productService } from "./module.js";

await runStandalone(productService);
