import { createWmsClient, type Status } from "./index.js";

// Compiled by `npm run lint` (tsc), never run: each @ts-expect-error fails the type check if
// the generated types stop catching that mistake.
export function typingChecks(): void {
  const client = createWmsClient({ baseUrl: "http://localhost:8080" });
  // @ts-expect-error a path the API does not have
  void client.GET("/v1/nope");
  // @ts-expect-error int64 fields are strings in proto3 JSON
  void client.POST("/v1/orders", { body: { items: [{ productId: "p", quantity: 1 }] } });
  // @ts-expect-error path parameters are required
  void client.GET("/v1/orders/{orderId}", {});
  void client.GET("/v1/orders", { params: { query: { status: "ORDER_STATUS_PAID" } } });
  // @ts-expect-error enums are their names
  void client.GET("/v1/orders", { params: { query: { status: "PAID" } } });
  void (async () => {
    const { error } = await client.POST("/v1/orders", { body: {} });
    const status: Status | undefined = error;
    void status?.details.map((d) => d["@type"]);
  })();
}
