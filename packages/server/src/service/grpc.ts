/**
 * The gRPC service (`proto/permissions_service.proto`) on its own port, with
 * @grpc/grpc-js: each method calls the service operation of the same name
 * through `runOperation` (bearer API key from the `authorization` metadata,
 * the operation's key scope, the same rate limiter), and every error ends the
 * call with the gRPC status of `codes.ts`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { FastifyBaseLogger } from 'fastify';
import { toServiceError } from './codes.js';
import { runOperation, type ServiceDeps } from './context.js';
import type { ServiceInput } from './input.js';
import { serviceOperations } from './operations.js';

/** Options of the loader, as a client should load the same file (snake_case fields, empty lists present). */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  arrays: true,
  oneofs: true,
};

/** The path of `permissions_service.proto` (next to `src/` and `dist/` in the package). */
export function serviceProtoPath(): string {
  for (const relative of ['../proto/permissions_service.proto', '../../proto/permissions_service.proto']) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('proto/permissions_service.proto is missing from the @permissio/server package.');
}

/** A running gRPC server. */
export interface ServiceGrpcServer {
  readonly port: number;
  close(): Promise<void>;
}

type Handler = grpc.handleUnaryCall<ServiceInput, Record<string, unknown>>;

function handler(deps: ServiceDeps, name: string, log: FastifyBaseLogger): Handler {
  const op = serviceOperations.find((o) => o.name === name);
  return (call, callback) => {
    if (op === undefined) {
      callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by this server.` });
      return;
    }
    const auth = call.metadata.get('authorization')[0];
    runOperation(deps, op, typeof auth === 'string' ? auth : undefined, call.request).then(
      (answer) => callback(null, answer),
      (error: unknown) => {
        const failure = toServiceError(error);
        if (failure.internal) log.error({ err: error, method: name }, 'gRPC call failed');
        const metadata = new grpc.Metadata();
        if (failure.retryAfter !== undefined) metadata.set('retry-after', String(failure.retryAfter));
        callback({ code: failure.code, details: failure.message, metadata });
      },
    );
  };
}

/** Serves the permissions service on `host:port` (0 picks a free port). */
export async function startGrpcService(
  deps: ServiceDeps,
  host: string,
  port: number,
  log: FastifyBaseLogger,
): Promise<ServiceGrpcServer> {
  const definition = protoLoader.loadSync(serviceProtoPath(), PROTO_LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    permissions: { v1: { PermissionsService: grpc.ServiceClientConstructor } };
  };
  const service = loaded.permissions.v1.PermissionsService.service;
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of Object.keys(service)) implementation[method] = handler(deps, method, log);
  const server = new grpc.Server();
  server.addService(service, implementation);
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, actual) =>
      error ? reject(error) : resolve(actual),
    );
  });
  let closing: Promise<void> | undefined;
  return {
    port: bound,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        // In-flight calls finish; after a grace period the rest are cancelled.
        const force = setTimeout(() => server.forceShutdown(), 2000);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      })),
  };
}
