/** Reading a seed file (JSON or YAML) and describing what it holds. */
import { readFileSync } from 'node:fs';
import type { PolicySnapshot } from '@permissio/core';
import { parse as parseYaml } from 'yaml';

/** Reads and parses the seed file at `path`; throws an error naming the file and the problem. */
export function readSeed(path: string): PolicySnapshot {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`Cannot read the seed file ${JSON.stringify(path)}${code ? ` (${code})` : ''}.`);
  }
  const yaml = /\.ya?ml$/i.test(path);
  let parsed: unknown;
  try {
    parsed = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new Error(
      `The seed file ${JSON.stringify(path)} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`The seed file ${JSON.stringify(path)} must hold a JSON object (a policy snapshot).`);
  }
  return parsed as PolicySnapshot;
}

const PARTS = [
  ['resources', 'resource type'],
  ['roles', 'role'],
  ['tenants', 'tenant'],
  ['users', 'user'],
  ['roleAssignments', 'role assignment'],
  ['grants', 'grant'],
] as const;

/** `"2 resource types, 3 roles, 1 tenant, …"`: the size of each part of a snapshot. */
export function describeSnapshot(snapshot: PolicySnapshot): string {
  const record = snapshot as unknown as Record<string, unknown>;
  return PARTS.map(([field, noun]) => {
    const value = record[field];
    const n = Array.isArray(value) ? value.length : 0;
    return `${n} ${noun}${n === 1 ? '' : 's'}`;
  }).join(', ');
}
