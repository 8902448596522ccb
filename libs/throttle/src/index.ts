export { LoginThrottle, loginKey, type LoginLimits, type LoginThrottleOptions, type LoginAttempt } from "./login-throttle.js";
export { TokenBuckets, type TokenBucketOptions, type TakeResult } from "./token-bucket.js";
