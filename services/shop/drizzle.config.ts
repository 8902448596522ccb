import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./services/shop/src/db/schema/*.ts",
  out: "./services/shop/drizzle",
  schemaFilter: ["shop"],
});
