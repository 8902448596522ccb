import { errors } from "@wms/errors";
import type { HandlersOf } from "@wms/grpc";
import type { UserServiceService } from "@wms/proto/user";
import type { UsersDomain } from "../domain/index.js";
import { toUserMessage } from "../mapping.js";

/** A user reads themself (`me` or their own id); a service reads anyone. */
export function getUser(users: UsersDomain): HandlersOf<typeof UserServiceService>["getUser"] {
  return async (request, ctx) => {
    const caller = ctx.requireAny();
    let userId = request.userId.trim();
    if (caller.kind === "user") {
      if (userId === "me") userId = caller.userId;
      else if (userId !== caller.userId) throw errors.permissionDenied("NOT_OWN_ACCOUNT", "a user may read only themself", { userId });
    } else if (userId === "me") {
      throw errors.invalidArgument([{ field: "user_id", reason: "INVALID_VALUE", description: "`me` names an end user; services pass an id" }]);
    }
    return { user: toUserMessage(await users.getUser(userId)) };
  };
}
