import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./services/user/src/db/schema/*.ts",
  out: "./services/user/drizzle",
  schemaFilter: ["user"],
});
