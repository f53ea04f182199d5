/**
 * Canonicalisation of resource URIs with a bounded memo: a hot URI is
 * validated once, then its ancestors-or-self list is one `Map` lookup away.
 * Only valid URIs are remembered; invalid ones throw every time.
 */
import { canonicalizeResourceUri, uriAncestors } from '@permissio/core/internal';

export class UriCache {
  private readonly entries = new Map<string, readonly string[]>();

  constructor(private readonly capacity = 10_000) {}

  /** Ancestors-or-self of the canonical form of `uri`, root first; throws `PermissioValidationError`. */
  ancestors(uri: unknown): readonly string[] {
    if (typeof uri === 'string') {
      const hit = this.entries.get(uri);
      if (hit !== undefined) return hit;
    }
    const list = Object.freeze(uriAncestors(canonicalizeResourceUri(uri)));
    if (this.entries.size >= this.capacity) this.entries.clear();
    this.entries.set(uri as string, list);
    return list;
  }

  /** Canonical form of `uri` (the last ancestor). */
  canonical(uri: unknown): string {
    const list = this.ancestors(uri);
    return list[list.length - 1] as string;
  }
}
