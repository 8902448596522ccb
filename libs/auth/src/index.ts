export { loadKeyPair, type KeyPair, type KeyPairSource } from "./keys.js";
export { TokenIssuer, TokenVerifier, type Principal, type UserRole } from "./tokens.js";
export { hashPassword, verifyPassword } from "./password.js";
