/** A client of the gRPC permissions service, built as a user of the service would build one. */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const PROTO = new URL('../../proto/permissions_service.proto', import.meta.url).pathname;

type Callback = (error: grpc.ServiceError | null, answer: unknown) => void;
export type GrpcClient = grpc.Client &
  Record<string, (request: object, metadata: grpc.Metadata, callback: Callback) => void>;

/** A client for `target` (`127.0.0.1:port`), from our .proto with @grpc/proto-loader. */
export function grpcClient(target: string): GrpcClient {
  const definition = protoLoader.loadSync(PROTO, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    arrays: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as any;
  return new loaded.permissions.v1.PermissionsService(target, grpc.credentials.createInsecure()) as GrpcClient;
}

/** Calls `method` with `key` (none: no authorization), resolving to the answer or to the `grpc.ServiceError`. */
export function rpc(client: GrpcClient, method: string, request: object, key: string | null): Promise<any> {
  const metadata = new grpc.Metadata();
  if (key !== null) metadata.set('authorization', `Bearer ${key}`);
  return new Promise((resolve) => {
    const fn = client[method];
    if (fn === undefined) throw new Error(`No method ${method}.`);
    fn.call(client, request, metadata, (error, answer) => resolve(error ?? answer));
  });
}
