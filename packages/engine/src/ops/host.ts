/** What an operation module needs from the engine: the live state and the change hook. */
import type { EngineChange } from '../events.js';
import type { State } from '../state.js';
import type { UriCache } from '../uri-cache.js';

export interface Host {
  /** The current state (replaced whole by `load`). */
  readonly state: State;
  readonly uris: UriCache;
  /** Reports a successful write to the listeners. */
  emit(change: EngineChange): void;
}
