/**
 * Injection tokens of the example. Every provider is injected with an
 * explicit `@Inject(TOKEN)`: tsx and vitest compile with esbuild, which emits
 * no decorator metadata, so Nest cannot infer constructor types.
 */
export const DOCUMENTS = 'EXAMPLE:DOCUMENTS';
export const JWT_SECRET = 'EXAMPLE:JWT_SECRET';
