/**
 * The conformance vectors through `Permissio`: embedded (createEngine) and
 * over HTTP against a real local server — the same files, the same answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countCheckExpectations,
  loadVectors,
  managementSetUpVariants,
  registerConformanceTests,
  runVectorSteps,
} from '@permissio/conformance';
import { Permissio } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import type { PermissioServer } from '@permissio/server';
import { ENVIRONMENT, PROJECT, TOKEN, clientTarget, localServer } from './helpers.js';

const vectors = loadVectors();

describe('conformance vectors', () => {
  it('are present', () => {
    expect(vectors.length).toBeGreaterThan(0);
    expect(countCheckExpectations(vectors)).toBeGreaterThan(10);
  });
});

registerConformanceTests(
  { describe, it },
  {
    name: 'conformance: new Permissio({ pdp: createEngine() })',
    vectors,
    createTarget: () => clientTarget(new Permissio({ pdp: createEngine() })),
  },
);

describe('conformance: new Permissio({ token, apiUrl }) against @permissio/server', () => {
  let server: PermissioServer;
  beforeAll(async () => {
    server = await localServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  // The vectors as written, then the ABAC ones with their conditions created through HttpPdp.
  for (const vector of [...vectors, ...managementSetUpVariants(vectors)]) {
    it(`${vector.name}: ${vector.description}`, async () => {
      // Explicit ids for half the clients, auto-detected scope for the other half.
      const explicit = vector.name.length % 2 === 0;
      const permissio = new Permissio({
        token: TOKEN,
        apiUrl: server.url,
        ...(explicit ? { projectId: PROJECT, environmentId: ENVIRONMENT } : {}),
        checkTimeout: 10_000,
      });
      try {
        await runVectorSteps(clientTarget(permissio), vector);
      } finally {
        await permissio.close();
      }
    });
  }

  it('embedded and HTTP give the same answers to every check of every vector', async () => {
    const http = new Permissio({ token: TOKEN, apiUrl: server.url, projectId: PROJECT, environmentId: ENVIRONMENT });
    try {
      for (const vector of vectors) {
        const embedded = new Permissio({ pdp: createEngine() });
        await embedded.pdp.load(vector.policy);
        await http.pdp.load(vector.policy);
        const requests = vector.steps.flatMap((step) =>
          step.op === 'check' && step.expectError === undefined
            ? [step.request]
            : step.op === 'bulkCheck'
              ? step.requests
              : [],
        );
        if (requests.length === 0) continue;
        const [a, b] = await Promise.all([
          embedded.bulkCheck(requests).catch((e: unknown) => `error ${String(e)}`),
          http.bulkCheck(requests).catch((e: unknown) => `error ${String(e)}`),
        ]);
        if (typeof a === 'string' || typeof b === 'string') {
          expect(typeof a, vector.name).toBe(typeof b); // both fail (an invalid input in the batch) or neither
        } else {
          expect(b, vector.name).toEqual(a);
        }
      }
    } finally {
      await http.close();
    }
  });
});
