import { countCheckExpectations, loadVectors, registerConformanceTests } from '@permissio/conformance';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';

const vectors = loadVectors();

registerConformanceTests(
  { describe, it },
  { name: 'conformance vectors (engine)', vectors, createTarget: () => createEngine() },
);

describe('conformance vector set', () => {
  it('holds at least 150 check expectations', () => {
    expect(countCheckExpectations(vectors)).toBeGreaterThanOrEqual(150);
  });
});
