/** Request URLs as logged: the value of any query parameter that may hold a credential is replaced. */

const SECRET_PARAM = /^(?:api[-_]?key|key|token|access[-_]?token|auth|authorization|bearer|secret|password)$/i;

/**
 * `url` with `[redacted]` in place of each query value that is named like a
 * credential (`api_key`, `token` …) or looks like an API key (`permis_key_…`).
 * Anything shaped like an API key is replaced wherever it is in the URL.
 */
export function redactUrl(rawUrl: string): string {
  // Anything shaped like an API key, wherever it is (a key pasted into the path, too).
  const url = rawUrl.replace(/permis(?:_|%5f)key(?:_|%5f)[^/?&#]*/gi, '[redacted]');
  const q = url.indexOf('?');
  if (q === -1) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return /permis(?:_|%5f)key(?:_|%5f)/i.test(pair) ? '[redacted]' : pair;
      const name = pair.slice(0, eq);
      let decodedName = name;
      try {
        decodedName = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      const value = pair.slice(eq + 1);
      return SECRET_PARAM.test(decodedName) || /permis(?:_|%5f)key(?:_|%5f)/i.test(value) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}
