import { describe, expect, it } from 'vitest';
import { ConfigBuilder, DECISION_REASONS, HttpPdp, Permissio, PermissioError } from '../src/index.js';
import { fakePdp } from './fake-pdp.js';
import { TOKEN } from './helpers.js';

describe('ABAC management on PDPs without it', () => {
  it('api.conditionSets / api.conditionSetRules fail with NOT_SUPPORTED when the PDP has no such group', async () => {
    const permissio = new Permissio({ pdp: fakePdp().pdp });
    const error = await permissio.api.conditionSets.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissioError);
    expect((error as PermissioError).code).toBe('NOT_SUPPORTED');
    expect((error as Error).message).toMatch(/not supported by this PDP yet/);
    await expect(
      permissio.api.conditionSetRules.create({ userSet: 'u', permission: 'document:read', resourceSet: 'r' }),
    ).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
  });

  it('HttpPdp implements every ABAC group (no NOT_SUPPORTED); a bad path segment fails before any request', async () => {
    let requests = 0;
    const pdp = new HttpPdp({
      config: new ConfigBuilder(TOKEN)
        .withApiUrl('http://127.0.0.1:9')
        .withProjectId('p')
        .withEnvironmentId('e')
        .build(),
      fetch: (async () => {
        requests++;
        throw new Error('no request expected');
      }) as never,
    });
    expect(pdp.conditionSets).toBeDefined();
    expect(pdp.conditionSetRules).toBeDefined();
    await expect((async () => pdp.conditionSets.get('\ud800'))()).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(pdp.users.deleteAttribute('\ud800')).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect((async () => pdp.conditionSetRules.list({ userSet: '\ud800' }))()).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect(requests).toBe(0);
  });

  it('condition_rule is one of the decision reasons', () => {
    expect(DECISION_REASONS).toContain('condition_rule');
  });
});
