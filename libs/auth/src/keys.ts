import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPairSync, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

export interface SigningKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Ed25519 keys for access tokens. JWT_PRIVATE_KEY / JWT_PUBLIC_KEY (PEM) win; otherwise a key
 * pair kept under DATA_DIR, created on first start, so every process of one machine agrees.
 */
export function loadSigningKeys(opts: { privateKeyPem?: string; publicKeyPem?: string; dataDir: string }): SigningKeys {
  if (opts.privateKeyPem) {
    const privateKey = createPrivateKey(opts.privateKeyPem);
    return { privateKey, publicKey: opts.publicKeyPem ? createPublicKey(opts.publicKeyPem) : createPublicKey(privateKey) };
  }
  const dir = join(opts.dataDir, "keys");
  const file = join(dir, "jwt-ed25519.pem");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const { privateKey } = generateKeyPairSync("ed25519");
    // wx: two processes starting together must not overwrite each other's key.
    try {
      writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  const privateKey = createPrivateKey(readFileSync(file));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
