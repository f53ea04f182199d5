import {
  countCheckExpectations,
  loadVectors,
  managementSetUpVariants,
  registerConformanceTests,
} from '@permissio/conformance';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';

const vectors = loadVectors();

registerConformanceTests(
  { describe, it },
  { name: 'conformance vectors (engine)', vectors, createTarget: () => createEngine() },
);

registerConformanceTests(
  { describe, it },
  {
    name: 'ABAC vectors set up through the management API (engine)',
    vectors: managementSetUpVariants(vectors),
    createTarget: () => createEngine(),
  },
);

describe('management set-up variants', () => {
  it('cover every vector with an ABAC policy', () => {
    expect(managementSetUpVariants(vectors).length).toBeGreaterThanOrEqual(5);
  });
});

describe('conformance vector set', () => {
  it('holds at least 150 check expectations', () => {
    expect(countCheckExpectations(vectors)).toBeGreaterThanOrEqual(150);
  });
});
