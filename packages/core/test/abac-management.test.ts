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

  it('HttpPdp declares user attributes unsupported without a request', async () => {
    let requests = 0;
    const pdp = new HttpPdp({
      config: new ConfigBuilder(TOKEN).withApiUrl('http://127.0.0.1:9').build(),
      fetch: (async () => {
        requests++;
        throw new Error('no request expected');
      }) as never,
    });
    await expect(pdp.users.listAttributes()).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await expect(pdp.users.createAttribute({ key: 'dept', type: 'string' })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
    });
    expect(requests).toBe(0);
  });

  it('condition_rule is one of the decision reasons', () => {
    expect(DECISION_REASONS).toContain('condition_rule');
  });
});
