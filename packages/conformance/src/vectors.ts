/** Reads the JSON vectors shipped in ../vectors (Node only: this is a private test kit). */
import { readdirSync, readFileSync } from 'node:fs';
import type { ConformanceVector, Step } from './format.js';

/** The directory holding the vector files. */
export const VECTORS_DIR = new URL('../vectors/', import.meta.url);

/**
 * Every vector, ordered by file name. A file holds one vector object or an
 * array of them; the name is the file name without `.json` (`#<index>` added
 * for arrays). Throws on a file that is not a well-formed vector.
 */
export function loadVectors(dir: URL = VECTORS_DIR): ConformanceVector[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const vectors: ConformanceVector[] = [];
  for (const file of files) {
    const base = file.slice(0, -'.json'.length);
    const parsed: unknown = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
    const list = Array.isArray(parsed) ? parsed : [parsed];
    for (const [i, raw] of list.entries()) vectors.push(asVector(raw, Array.isArray(parsed) ? `${base}#${i}` : base));
  }
  return vectors;
}

function asVector(raw: unknown, name: string): ConformanceVector {
  if (typeof raw !== 'object' || raw === null) throw new Error(`${name}: a vector must be an object.`);
  const v = raw as Record<string, unknown>;
  if (typeof v.description !== 'string') throw new Error(`${name}: "description" must be a string.`);
  if (typeof v.policy !== 'object' || v.policy === null) throw new Error(`${name}: "policy" must be an object.`);
  if (!Array.isArray(v.steps)) throw new Error(`${name}: "steps" must be an array.`);
  v.steps.forEach((step: unknown, i) => {
    if (typeof step !== 'object' || step === null || typeof (step as { op?: unknown }).op !== 'string') {
      throw new Error(`${name}: steps[${i}] needs an "op".`);
    }
    const s = step as Record<string, unknown>;
    if (s.op === 'check' && s.expect === undefined && s.expectError === undefined) {
      throw new Error(`${name}: steps[${i}] is a check without "expect" or "expectError".`);
    }
  });
  return {
    name,
    description: v.description,
    policy: v.policy as ConformanceVector['policy'],
    steps: v.steps as Step[],
  };
}
