import { createWmsClient, errorReason } from "@wms/client";

// The script of a web app on another origin than the gateway, bundled for the browser by the
// e2e test: it logs in through the typed client, so the call crosses origins under CORS.
export interface LoginOutcome {
  status?: number;
  role?: string;
  gotToken?: boolean;
  reason?: string;
  /** Set when the browser refused the call (a CORS failure surfaces as a TypeError). */
  refused?: string;
}

async function loginThroughGateway(baseUrl: string, login: string, password: string): Promise<LoginOutcome> {
  const client = createWmsClient({ baseUrl });
  try {
    const { data, error, response } = await client.POST("/v1/users:login", { body: { login, password } });
    return { status: response.status, role: data?.user?.role, gotToken: typeof data?.accessToken === "string", reason: errorReason(error) };
  } catch (err) {
    return { refused: err instanceof Error ? err.name : String(err) };
  }
}

(globalThis as unknown as { loginThroughGateway: typeof loginThroughGateway }).loginThroughGateway = loginThroughGateway;
