import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./services/product/src/db/schema/*.ts",
  out: "./services/product/drizzle",
  schemaFilter: ["product"],
});
