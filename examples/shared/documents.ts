/**
 * The examples' document store: one SQLite table (better-sqlite3, in memory by
 * default), seeded from the example policy's documents. Every route reads and
 * writes it: the item routes through `find`/`load`, the list route through a
 * plan compiled to SQL (`list.ts`), so the two always see the same rows.
 *
 * better-sqlite3 is synchronous, so `find` still serves the examples' sync
 * resolvers; `load` is the async form, as a database driver would be.
 */
import Database from 'better-sqlite3';
import { documentUri, seedDocuments, stringField, type Classification, type Document } from './policy.js';

/**
 * Plan field → column of the `documents` table: the built-in fields (`key`,
 * `uri`, `tenant`) and the attributes the policy declares for `document`
 * (`ownerId`, `classification`). `toSql` throws on a plan field missing here.
 */
export const DOCUMENT_COLUMNS = {
  key: 'id',
  uri: 'uri',
  tenant: 'tenant',
  ownerId: 'owner_id',
  classification: 'classification',
} as const;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (
  id             TEXT PRIMARY KEY,
  tenant         TEXT NOT NULL,
  project_id     TEXT NOT NULL,
  uri            TEXT NOT NULL,
  owner_id       TEXT NOT NULL,
  classification TEXT NOT NULL,
  title          TEXT NOT NULL,
  body           TEXT NOT NULL,
  shared_with    TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX IF NOT EXISTS documents_tenant ON documents (tenant);
CREATE INDEX IF NOT EXISTS documents_uri ON documents (uri);
CREATE INDEX IF NOT EXISTS documents_owner ON documents (owner_id);
`;

/** A row of the `documents` table. */
interface DocumentRow {
  id: string;
  tenant: string;
  project_id: string;
  uri: string;
  owner_id: string;
  classification: string;
  title: string;
  body: string;
  shared_with: string;
}

/** What `GET /documents` returns per document. */
export interface DocumentSummary {
  readonly id: string;
  readonly title: string;
  readonly projectId: string;
}

/** The fields `create` takes (the id, URI and share list are the store's). */
export interface NewDocument {
  tenant: string;
  projectId: string;
  ownerId: string;
  classification: Classification;
  title: string;
  body: string;
}

/** The changes of `PUT /documents/:id` in a JSON body: a title (≤ 200 characters) and/or a body. */
export function documentChanges(body: unknown): { title: string | undefined; body: string | undefined } {
  return { title: stringField(body, 'title', 200), body: stringField(body, 'body') };
}

function toDocument(row: DocumentRow): Document {
  return {
    id: row.id,
    tenant: row.tenant,
    projectId: row.project_id,
    ownerId: row.owner_id,
    classification: row.classification as Classification,
    title: row.title,
    body: row.body,
    sharedWith: JSON.parse(row.shared_with) as string[],
  };
}

export class DocumentStore {
  /** The database (for the list query; the Hono example hands it to Drizzle). */
  readonly db: Database.Database;
  #next = 100;
  readonly #insert: Database.Statement<[DocumentRow]>;
  readonly #byId: Database.Statement<[string], DocumentRow>;
  readonly #update: Database.Statement<[string | null, string | null, string]>;
  readonly #share: Database.Statement<[string, string]>;
  readonly #delete: Database.Statement<[string]>;

  /**
   * @param documents the rows to seed, by default the example policy's documents
   * @param filename SQLite file, by default a private in-memory database
   */
  constructor(documents: readonly Document[] = seedDocuments(), filename = ':memory:') {
    this.db = new Database(filename);
    this.db.exec(SCHEMA);
    this.#insert = this.db.prepare(
      'INSERT INTO documents (id, tenant, project_id, uri, owner_id, classification, title, body, shared_with) ' +
        'VALUES (@id, @tenant, @project_id, @uri, @owner_id, @classification, @title, @body, @shared_with)',
    );
    this.#byId = this.db.prepare<[string], DocumentRow>('SELECT * FROM documents WHERE id = ?');
    this.#update = this.db.prepare(
      'UPDATE documents SET title = coalesce(?, title), body = coalesce(?, body) WHERE id = ?',
    );
    this.#share = this.db.prepare('UPDATE documents SET shared_with = ? WHERE id = ?');
    this.#delete = this.db.prepare('DELETE FROM documents WHERE id = ?');
    const seed = this.db.transaction((rows: readonly Document[]) => {
      for (const document of rows) this.#insert.run(toRow(document));
    });
    seed(documents);
  }

  find(id: string | undefined): Document | undefined {
    if (id === undefined) return undefined;
    const row = this.#byId.get(id);
    return row === undefined ? undefined : toDocument(row);
  }

  async load(id: string | undefined): Promise<Document | undefined> {
    await Promise.resolve();
    return this.find(id);
  }

  /** The distinct tenants that own documents (the list plans once per tenant). */
  tenants(): string[] {
    return this.db
      .prepare<[], { tenant: string }>('SELECT DISTINCT tenant FROM documents ORDER BY tenant')
      .all()
      .map((row) => row.tenant);
  }

  /**
   * Summaries of the rows matching a WHERE fragment (`?` parameters), ordered by id.
   * `where` must come from `toSql` or other fixed text: values only ever go in `params`.
   */
  summaries(where: string, params: readonly unknown[]): DocumentSummary[] {
    return this.db
      .prepare<unknown[], DocumentSummary>(
        `SELECT id, title, project_id AS projectId FROM documents WHERE ${where} ORDER BY id`,
      )
      .all(...params);
  }

  /** The document when it is in `projectId` of `tenant`, else undefined. */
  findInProject(
    tenant: string | undefined,
    projectId: string | undefined,
    id: string | undefined,
  ): Document | undefined {
    const document = this.find(id);
    return document !== undefined && document.tenant === tenant && document.projectId === projectId
      ? document
      : undefined;
  }

  create(input: NewDocument): Document {
    let id = `doc-${this.#next++}`;
    while (this.#byId.get(id) !== undefined) id = `doc-${this.#next++}`;
    const document: Document = { id, sharedWith: [], ...input };
    this.#insert.run(toRow(document));
    return document;
  }

  /** Sets the title and/or body; the updated document, or undefined when there is none. */
  update(id: string, changes: { title?: string | undefined; body?: string | undefined }): Document | undefined {
    this.#update.run(changes.title ?? null, changes.body ?? null, id);
    return this.find(id);
  }

  /** Adds `user` to the document's share list; the updated document, or undefined when there is none. */
  share(id: string, user: string): Document | undefined {
    const document = this.find(id);
    if (document === undefined) return undefined;
    if (!document.sharedWith.includes(user)) {
      document.sharedWith.push(user);
      this.#share.run(JSON.stringify(document.sharedWith), id);
    }
    return document;
  }

  delete(id: string): boolean {
    return this.#delete.run(id).changes > 0;
  }

  close(): void {
    this.db.close();
  }
}

function toRow(document: Document): DocumentRow {
  return {
    id: document.id,
    tenant: document.tenant,
    project_id: document.projectId,
    uri: documentUri(document),
    owner_id: document.ownerId,
    classification: document.classification,
    title: document.title,
    body: document.body,
    shared_with: JSON.stringify(document.sharedWith),
  };
}
