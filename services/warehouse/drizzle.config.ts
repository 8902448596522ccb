import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./services/warehouse/src/db/schema/*.ts",
  out: "./services/warehouse/drizzle",
  schemaFilter: ["warehouse"],
});
