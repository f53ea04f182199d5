/** Every operation of the service, by gRPC method name. */
import { accessOperations } from './access-ops.js';
import { permissionOperations, roleOperations } from './catalogue-ops.js';
import type { ServiceOperation } from './operation.js';

export const serviceOperations: readonly ServiceOperation[] = [
  ...permissionOperations,
  ...roleOperations,
  ...accessOperations,
];

/** The operation named `name`. */
export function serviceOperation(name: string): ServiceOperation {
  const op = serviceOperations.find((o) => o.name === name);
  if (op === undefined) throw new Error(`No service operation ${name}.`);
  return op;
}
