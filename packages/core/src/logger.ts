/**
 * The logger Permissio writes to. Any object with these four methods works
 * (`console`, pino, winston …). Permissio never logs an API key.
 */
export interface Logger {
  debug(message: string, ...meta: unknown[]): void;
  info(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
  error(message: string, ...meta: unknown[]): void;
}

/** The default logger: the global `console` (present in every runtime). */
export const consoleLogger: Logger = {
  debug: (message, ...meta) => console.debug(message, ...meta),
  info: (message, ...meta) => console.info(message, ...meta),
  warn: (message, ...meta) => console.warn(message, ...meta),
  error: (message, ...meta) => console.error(message, ...meta),
};

/**
 * Replaces every occurrence of `secret` in `text` (used on every log line and
 * every error message built from a server answer).
 */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || !text.includes(secret)) return text;
  return text.split(secret).join('permis_key_***');
}
