/** Telling a PostgreSQL URL from a SQLite path, and writing it down without its password. */

/** `true` for `postgres://…` and `postgresql://…`. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(database);
}

/**
 * `postgres://user:***@host:5432/db`: the URL without its password or query
 * (which may carry one, `?password=…`, or TLS key paths); unparseable input
 * becomes `postgres://…` so nothing of it leaks.
 */
export function redactDatabaseUrl(database: string): string {
  if (!isPostgresUrl(database)) return database;
  try {
    const url = new URL(database);
    if (url.password !== '') url.password = '***';
    url.search = '';
    url.hash = '';
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}

/** `text` with every occurrence of the URL, its password and its decoded password replaced. */
export function scrubDatabaseUrl(text: string, database: string): string {
  let out = text.split(database).join(redactDatabaseUrl(database));
  try {
    const url = new URL(database);
    const secrets = [url.password, decodeURIComponent(url.password)];
    for (const [name, value] of url.searchParams) if (/pass|key|secret|token/i.test(name)) secrets.push(value);
    for (const secret of secrets) if (secret.length >= 1) out = out.split(secret).join('***');
  } catch {
    // not a URL: nothing more to hide
  }
  return out;
}
