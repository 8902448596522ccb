import { toTimestamp, type HandlersOf } from "@wms/grpc";
import type { UserServiceService } from "@wms/proto/user";
import type { UsersDomain } from "../domain/index.js";
import { toUserMessage } from "../mapping.js";

/** Anyone may log in by email or phone; attempts are throttled per login and per client address. */
export function login(users: UsersDomain): HandlersOf<typeof UserServiceService>["login"] {
  return async (request, ctx) => {
    const { token, expireTime, user } = await users.login(request.login, request.password, ctx.clientAddress);
    return { accessToken: token, expireTime: toTimestamp(expireTime), user: toUserMessage(user) };
  };
}
