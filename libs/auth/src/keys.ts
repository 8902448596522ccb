import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPairSync, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

export interface KeyPair {
  /** Absent when only the public key was configured: this process verifies but cannot sign. */
  privateKey: KeyObject | undefined;
  publicKey: KeyObject;
}

export interface KeyPairSource {
  privateKeyPem: string | undefined;
  publicKeyPem: string | undefined;
  dataDir: string;
  /** File under DATA_DIR/keys used when neither PEM is configured. */
  fileName: string;
}

/**
 * An Ed25519 key pair. A configured private key wins; a configured public key alone gives a
 * verify-only pair; with neither, a pair kept under DATA_DIR, created on first start, so every
 * process of one machine (the embedded and local modes) agrees.
 */
export function loadKeyPair(source: KeyPairSource): KeyPair {
  if (source.privateKeyPem) {
    const privateKey = createPrivateKey(source.privateKeyPem);
    return { privateKey, publicKey: source.publicKeyPem ? createPublicKey(source.publicKeyPem) : createPublicKey(privateKey) };
  }
  if (source.publicKeyPem) return { privateKey: undefined, publicKey: createPublicKey(source.publicKeyPem) };
  const dir = join(source.dataDir, "keys");
  const file = join(dir, source.fileName);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const { privateKey } = generateKeyPairSync("ed25519");
    // Written aside, then linked into place: processes starting together (`npm run mesh`) must
    // neither overwrite each other's key nor read one half written. link() fails if the file
    // exists, so the first key published is the one every process reads.
    const aside = `${file}.${process.pid}.tmp`;
    writeFileSync(aside, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    try {
      linkSync(aside, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      unlinkSync(aside);
    }
  }
  const privateKey = createPrivateKey(readFileSync(file));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
