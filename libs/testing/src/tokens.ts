import { generateKeyPairSync } from "node:crypto";
import { TokenIssuer } from "@wms/auth";

export interface TestTokens {
  /** User-token key pair (what JWT_PRIVATE_KEY / JWT_PUBLIC_KEY carry). */
  privateKeyPem: string;
  publicKeyPem: string;
  /** Service-credential key pair (SERVICE_PRIVATE_KEY / SERVICE_PUBLIC_KEY). */
  servicePrivateKeyPem: string;
  servicePublicKeyPem: string;
  /** The four variables above, for a service's environment. */
  env(): Record<string, string>;
  user(userId: string, role: "buyer" | "seller"): Promise<string>;
  service(name: string): Promise<string>;
}

function pemPair(): { privateKeyPem: string; publicKeyPem: string; issuer: TokenIssuer } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    issuer: new TokenIssuer(privateKey),
  };
}

/** Key pairs for one test file (user tokens and service credentials), and tokens signed with them. */
export function testTokens(): TestTokens {
  const users = pemPair();
  const services = pemPair();
  return {
    privateKeyPem: users.privateKeyPem,
    publicKeyPem: users.publicKeyPem,
    servicePrivateKeyPem: services.privateKeyPem,
    servicePublicKeyPem: services.publicKeyPem,
    env: () => ({
      JWT_PRIVATE_KEY: users.privateKeyPem,
      JWT_PUBLIC_KEY: users.publicKeyPem,
      SERVICE_PRIVATE_KEY: services.privateKeyPem,
      SERVICE_PUBLIC_KEY: services.publicKeyPem,
    }),
    user: async (userId, role) => (await users.issuer.issueUserToken(userId, role, 3_600_000)).token,
    service: async (name) => (await services.issuer.issueServiceToken(name, 3_600_000)).token,
  };
}
