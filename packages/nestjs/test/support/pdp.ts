/**
 * A minimal programmable PDP for the Nest-specific tests (the scenario matrix
 * uses the testkit's PDPs). Counts every call the client makes.
 */
import { Permissio, type CheckRequest, type Decision, type Pdp } from '@permissio/core';

export interface ProgrammablePdp {
  readonly client: Permissio;
  readonly calls: CheckRequest[];
}

export function programmablePdp(answer: (request: CheckRequest) => unknown): ProgrammablePdp {
  const calls: CheckRequest[] = [];
  const ask = (request: CheckRequest): unknown => {
    calls.push(request);
    return answer(request);
  };
  const pdp = {
    kind: 'remote',
    check: async (request: CheckRequest) => ask(request),
    bulkCheck: async (requests: readonly CheckRequest[]) => requests.map(ask),
    checkDetailed: async (request: CheckRequest): Promise<Decision> => {
      const allowed = ask(request) === true;
      return { allowed, reason: allowed ? 'role' : 'no_matching_grant' };
    },
  } as unknown as Pdp;
  return { client: new Permissio({ pdp }), calls };
}

/** Allows `alice` to `read` any `document`; denies everything else. */
export const aliceReadsDocuments = (request: CheckRequest): boolean => {
  const user = typeof request.user === 'string' ? request.user : request.user.key;
  const type = typeof request.resource === 'string' ? request.resource : request.resource.type;
  return user === 'alice' && request.action === 'read' && type === 'document';
};

/** The test apps' user resolver: the `x-user` header. */
export function userFromHeader(req: { headers: Record<string, string | string[] | undefined> }): string | undefined {
  const value = req.headers['x-user'];
  return typeof value === 'string' ? value : undefined;
}
