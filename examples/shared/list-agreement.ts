/**
 * The proof the demo and the e2e suite share: for a user, `GET /documents`
 * lists exactly the ids whose `GET /documents/:id` answers 200.
 */

/** A GET as some caller, answering the status and the parsed JSON body. */
export type Get = (path: string) => Promise<{ status: number; json: unknown }>;

/** One caller's list against their item checks. */
export interface ListAgreement {
  /** Status of `GET /documents`. */
  readonly listStatus: number;
  /** Ids the list returned, sorted. */
  readonly listed: readonly string[];
  /** Ids among the candidates whose item check answered 200, sorted. */
  readonly allowed: readonly string[];
  /** Candidates whose item check answered neither 200 nor 403 (`id → status`). */
  readonly unexpected: readonly string[];
  /** The list answered 200, every item check 200 or 403, and listed == allowed. */
  readonly ok: boolean;
}

function listedIds(json: unknown): string[] | undefined {
  const documents = (json as { documents?: unknown } | undefined)?.documents;
  if (!Array.isArray(documents)) return undefined;
  const ids = documents.map((d) => (d as { id?: unknown } | null)?.id);
  return ids.every((id): id is string => typeof id === 'string') ? ids : undefined;
}

/**
 * Lists as the caller, then checks every candidate id one by one.
 * @param candidates every document id that exists (ids the list returns are added)
 */
export async function compareListWithChecks(get: Get, candidates: readonly string[]): Promise<ListAgreement> {
  const list = await get('/documents');
  const listed = (listedIds(list.json) ?? []).sort();
  const ids = [...new Set([...candidates, ...listed])].sort();
  const allowed: string[] = [];
  const unexpected: string[] = [];
  for (const id of ids) {
    const { status } = await get(`/documents/${encodeURIComponent(id)}`);
    if (status === 200) allowed.push(id);
    else if (status !== 403) unexpected.push(`${id} → ${status}`);
  }
  const ok =
    list.status === 200 &&
    listedIds(list.json) !== undefined &&
    unexpected.length === 0 &&
    listed.length === allowed.length &&
    listed.every((id, i) => id === allowed[i]);
  return { listStatus: list.status, listed, allowed, unexpected, ok };
}
