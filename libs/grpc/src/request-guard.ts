import { fromBinary, type DescMessage } from "@bufbuild/protobuf";
import { DomainError, errors, requestViolations } from "@wms/errors";

/** A request refused while decoding: the handler is never run, the error answers the call. */
export class RefusedRequest {
  constructor(readonly error: DomainError) {}
}

/**
 * Wraps a generated deserializer: the bytes are first decoded by the contract's descriptor
 * (64-bit integers as bigint, so nothing is rounded or thrown) and checked, then handed to
 * the generated decoder. A bad request becomes a RefusedRequest instead of throwing, because
 * grpc-js answers a throwing deserializer with INTERNAL before any handler can map it.
 */
export function guardDeserializer(input: DescMessage | undefined, decode: (bytes: Buffer) => unknown): (bytes: Buffer) => unknown {
  return (bytes) => {
    try {
      if (input) {
        const violations = requestViolations(input, fromBinary(input, bytes));
        if (violations.length > 0) {
          return new RefusedRequest(errors.invalidArgument(violations, `invalid ${violations.map((v) => v.field).slice(0, 5).join(", ")}`));
        }
      }
      return decode(bytes);
    } catch {
      const name = input?.typeName ?? "request";
      return new RefusedRequest(errors.invalidArgument([], `the request is not a valid ${name} message`));
    }
  };
}
