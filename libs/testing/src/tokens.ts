import { generateKeyPairSync } from "node:crypto";
import { TokenIssuer } from "@wms/auth";

export interface TestTokens {
  privateKeyPem: string;
  publicKeyPem: string;
  issuer: TokenIssuer;
  user(userId: string, role: "buyer" | "seller"): Promise<string>;
  service(name: string): Promise<string>;
}

/** A key pair for one test file, and tokens signed with it. */
export function testTokens(): TestTokens {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const issuer = new TokenIssuer(privateKey);
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    issuer,
    user: async (userId, role) => (await issuer.issueUserToken(userId, role, 3_600_000)).token,
    service: async (name) => (await issuer.issueServiceToken(name, 3_600_000)).token,
  };
}
