import { errors, Validator } from "@wms/errors";
import { hashPassword, verifyPassword, type TokenIssuer, type UserRole } from "@wms/auth";
import { isId, newId } from "@wms/db";
import type { UserRepo } from "../db/repo.js";
import type { LoginThrottle } from "@wms/throttle";
import { validateRegistration, type RegistrationInput } from "./validation.js";

export type { RegistrationInput } from "./validation.js";

export interface User {
  userId: string;
  /** Lower-cased; null when the user registered by phone only. */
  email: string | null;
  phone: string | null;
  role: UserRole;
  createTime: Date;
}

/** A seller's shop as the shop service made it. */
export interface CreatedShop {
  shopId: string;
  ownerUserId: string;
  name: string;
  description: string;
  createTime: Date;
}

/** Creates the shop of a new seller in the shop service; throws when it could not. */
export type CreateShopForUser = (input: { ownerUserId: string; name: string; description: string }) => Promise<CreatedShop>;

/** What registering made: the user and, for a seller, the shop. */
export interface Registration {
  user: User;
  shop?: CreatedShop;
}

/** The longest email (RFC 5321), and so the longest login. */
const LOGIN_MAX = 254;

export interface UsersDomain {
  register(input: RegistrationInput): Promise<Registration>;
  /** `clientAddress`: where the attempt came from, for the per-address limit (unknown: per-login only). */
  login(login: string, password: string, clientAddress?: string): Promise<{ token: string; expireTime: Date; user: User }>;
  getUser(userId: string): Promise<User>;
}

export function createUsersDomain(deps: {
  repo: UserRepo;
  issuer: TokenIssuer;
  createShop: CreateShopForUser;
  accessTokenTtlMs: number;
  /** Counts attempts per login and per address; over a limit, login answers RESOURCE_EXHAUSTED before any password is hashed. */
  throttle?: Pick<LoginThrottle, "begin">;
  now?: () => Date;
}): UsersDomain {
  const now = deps.now ?? (() => new Date());
  // Verified against when the login is unknown, so both failures cost the same time.
  const decoyHash = hashPassword("decoy password that never matches");

  return {
    async register(input) {
      validateRegistration(input);
      const role: UserRole = input.shopName.trim() !== "" ? "seller" : "buyer";
      const inserted = await deps.repo.insert(
        {
          userId: newId(),
          email: input.email === "" ? null : input.email.toLowerCase(),
          phone: input.phone === "" ? null : input.phone,
          role,
          createTime: now(),
        },
        await hashPassword(input.password),
      );
      if (inserted.kind === "email-taken") throw errors.alreadyExists("EMAIL_TAKEN", "the email is already registered", { email: input.email.toLowerCase() });
      if (inserted.kind === "phone-taken") throw errors.alreadyExists("PHONE_TAKEN", "the phone is already registered", { phone: input.phone });
      const { user } = inserted;
      if (role === "buyer") return { user };
      try {
        const shop = await deps.createShop({ ownerUserId: user.userId, name: input.shopName, description: input.shopDescription });
        return { user, shop };
      } catch (err) {
        // No seller without a shop: undo the user (a compensation, since the shop lives in
        // another service's database and no transaction spans both).
        await deps.repo.delete(user.userId);
        throw err;
      }
    },

    async login(login, password, clientAddress) {
      new Validator().required(login, "login").text(login, LOGIN_MAX, "login").required(password, "password").throwIfInvalid();
      // Counted before the lookup and the (expensive) password check; a success gives it back.
      const attempt = await deps.throttle?.begin(login, clientAddress);
      const found = await deps.repo.findByLogin(login.trim());
      const ok = await verifyPassword(password, found?.passwordHash ?? (await decoyHash));
      if (!found || !ok) throw errors.unauthenticated("INVALID_CREDENTIALS", "the login or the password is wrong");
      await attempt?.succeeded();
      const { token, expireTime } = await deps.issuer.issueUserToken(found.user.userId, found.user.role, deps.accessTokenTtlMs);
      return { token, expireTime, user: found.user };
    },

    async getUser(userId) {
      const row = isId(userId) ? await deps.repo.findById(userId) : undefined;
      if (!row) throw errors.notFound("user", userId);
      return row;
    },
  };
}
