import { env } from "@wms/config";

export const userConfigSpec = {
  /** How long a login's access token is valid. */
  ACCESS_TOKEN_TTL: env.duration("1h"),
};
