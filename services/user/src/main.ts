import { runStandalone } from "@wms/service";
import { userService } from "./module.js";

await runStandalone(userService);
