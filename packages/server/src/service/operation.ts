/** One operation of the service, as both transports serve it. */
import type { KeyScope } from '../key-scopes.js';
import type { RateClass } from '../rate-limit.js';
import type { ServiceCall } from './context.js';
import type { ServiceInput } from './input.js';

export interface ServiceOperation {
  /** The gRPC method name (`CreatePermission`); also names the operation in errors. */
  name: string;
  /** The API key scope it needs (`check` ⊂ `read` ⊂ `admin`). */
  scope: KeyScope;
  rateClass: RateClass;
  /** Rate-limit units of a request (default 1); may throw INVALID_ARGUMENT for too much work. */
  cost?: (input: ServiceInput) => number;
  run(call: ServiceCall, input: ServiceInput): Promise<Record<string, unknown>>;
}
