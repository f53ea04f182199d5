import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ConfigBuilder,
  ContextBuilder,
  MIN_TIMEOUT_MS,
  Permissio,
  PermissioApiError,
  PermissioAuthenticationError,
  PermissioConflictError,
  PermissioError,
  PermissioNetworkError,
  PermissioNotFoundError,
  PermissioPermissionError,
  PermissioRateLimitError,
  PermissioTimeoutError,
  PermissioValidationError,
  ResourceBuilder,
  UserBuilder,
  type Decision,
  type RoleAssignment,
  type User,
} from '../src/index.js';
import { apiErrorFromStatus, backoffDelay, parseRetryAfter } from '../src/internal.js';
import { fakePdp } from './fake-pdp.js';
import { TOKEN, captureLogger } from './helpers.js';

describe('builders', () => {
  it('UserBuilder', () => {
    const user = new UserBuilder('alice')
      .withEmail('a@x.io')
      .withFirstName('A')
      .withLastName('L')
      .withAttribute('dept', 'eng')
      .withAttributes({ level: 3 })
      .build();
    expect(user).toEqual({
      key: 'alice',
      email: 'a@x.io',
      firstName: 'A',
      lastName: 'L',
      attributes: { dept: 'eng', level: 3 },
    });
    expect(new UserBuilder('bob').build()).toEqual({ key: 'bob' });
    expect(() => new UserBuilder('')).toThrow(PermissioValidationError);
  });
  it('ResourceBuilder', () => {
    expect(
      new ResourceBuilder('document')
        .withKey('d1')
        .withTenant('acme')
        .withUri('/p/1')
        .withAttribute('x', 1)
        .withAttributes({ y: 2 })
        .build(),
    ).toEqual({ type: 'document', key: 'd1', tenant: 'acme', uri: '/p/1', attributes: { x: 1, y: 2 } });
    expect(new ResourceBuilder('document').build()).toEqual({ type: 'document' });
    expect(() => new ResourceBuilder('a:b')).toThrow(PermissioValidationError);
  });
  it('ContextBuilder', () => {
    const builder = new ContextBuilder().withValue('ip', '1.2.3.4').withValues({ time: 5 });
    expect(builder.build()).toEqual({ ip: '1.2.3.4', time: 5 });
    expect(builder.build()).not.toBe(builder.build());
  });
  it('keeps __proto__ and constructor as ordinary attribute and context keys', () => {
    const user = new UserBuilder('a')
      .withAttribute('__proto__', { admin: true })
      .withAttribute('constructor', 1)
      .build();
    expect(Object.keys(user.attributes ?? {})).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(user.attributes)).toBe(Object.prototype);
    expect((user.attributes as { admin?: unknown }).admin).toBeUndefined();
    const resource = new ResourceBuilder('document').withAttribute('__proto__', 'x').build();
    expect(Object.getOwnPropertyDescriptor(resource.attributes, '__proto__')?.value).toBe('x');
    const context = new ContextBuilder().withValue('__proto__', { admin: true }).build();
    expect(Object.keys(context)).toEqual(['__proto__']);
    expect((context as { admin?: unknown }).admin).toBeUndefined();
  });
  it('ConfigBuilder', () => {
    const config = new ConfigBuilder(TOKEN)
      .withProjectId('p')
      .withEnvironmentId('e')
      .withApiUrl('http://127.0.0.1:7766/')
      .withTimeout(1_000)
      .withCheckTimeout(500)
      .withRetryAttempts(1)
      .withDebug(true)
      .withCustomHeaders({ 'x-a': 'b' })
      .build();
    expect(config).toMatchObject({
      apiUrl: 'http://127.0.0.1:7766',
      projectId: 'p',
      environmentId: 'e',
      timeout: 1_000,
      checkTimeout: 500,
      retryAttempts: 1,
      debug: true,
      customHeaders: { 'x-a': 'b' },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(JSON.stringify(config)).not.toContain(TOKEN);
    expect(new ConfigBuilder(TOKEN).build()).toMatchObject({
      apiUrl: 'https://api.permissio.io',
      timeout: 30_000,
      checkTimeout: 2_000,
      retryAttempts: 3,
      debug: false,
    });
    expect(() => new ConfigBuilder(TOKEN).withRetryAttempts(-1).build()).toThrow(/retryAttempts/);
    const permissio = new Permissio({ config });
    expect(permissio.pdp.kind).toBe('remote');
  });
});

describe('options validation', () => {
  const bad: [string, unknown, RegExp][] = [
    ['no source', {}, /give "token"/],
    ['not an object', 'permis_key_x', /options must be an object/],
    ['two sources', { token: TOKEN, pdp: fakePdp().pdp }, /only one of/],
    ['bad prefix', { token: 'sk_live_SECRET' }, /must start with "permis_key_"/],
    ['bare prefix', { token: 'permis_key_' }, /permis_key_/],
    ['token type', { token: 42 }, /must be a string/],
    ['apiUrl', { token: TOKEN, apiUrl: 'not a url' }, /apiUrl/],
    ['apiUrl protocol', { token: TOKEN, apiUrl: 'ftp://x' }, /http or https/],
    ['timeout', { token: TOKEN, timeout: 0 }, /"timeout"/],
    ['checkTimeout', { token: TOKEN, checkTimeout: Number.NaN }, /"checkTimeout"/],
    ['retryAttempts', { token: TOKEN, retryAttempts: 1.5 }, /retryAttempts/],
    ['debug', { token: TOKEN, debug: 'yes' }, /"debug" must be a boolean/],
    ['throwOnError', { token: TOKEN, throwOnError: 0 }, /throwOnError/],
    ['customHeaders auth', { token: TOKEN, customHeaders: { Authorization: 'x' } }, /Authorization/],
    ['customHeaders value', { token: TOKEN, customHeaders: { 'x-a': 1 } }, /customHeaders/],
    ['logger', { token: TOKEN, logger: { debug() {} } }, /logger\.info/],
    ['typo', { token: TOKEN, apiURL: 'http://x' }, /unknown option\(s\) "apiURL"/],
    ['pdp shape', { pdp: {} }, /Pdp interface/],
    ['pdp + apiUrl', { pdp: fakePdp().pdp, apiUrl: 'http://x' }, /cannot be combined with "pdp"/],
    [
      'config + token option',
      { config: new ConfigBuilder(TOKEN).build(), timeout: 5 },
      /cannot be combined with "config"/,
    ],
  ];
  it.each(bad)('rejects %s eagerly with a clear PermissioValidationError', (_name, options, message) => {
    let error: unknown;
    try {
      new Permissio(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PermissioValidationError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('SECRET');
  });

  it('refuses a seconds-looking timeout (the Python SDK unit) with a message saying to pass milliseconds', () => {
    for (const [option, value] of [
      ['timeout', 30],
      ['checkTimeout', 2],
      ['timeout', 99.9],
    ] as const) {
      let error: unknown;
      try {
        new Permissio({ token: TOKEN, [option]: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PermissioValidationError);
      expect((error as PermissioValidationError).code).toBe('INVALID_OPTIONS');
      expect((error as Error).message).toContain(`"${option}" is in milliseconds`);
      expect((error as Error).message).toContain(`pass ${value * 1000} for ${value} s`);
    }
    // The builder goes through the same validation.
    expect(() => new Permissio({ config: new ConfigBuilder(TOKEN).withTimeout(30).build() })).toThrow(
      /"timeout" is in milliseconds/,
    );
    // The threshold itself and anything above is accepted.
    expect(() => new Permissio({ token: TOKEN, timeout: MIN_TIMEOUT_MS, checkTimeout: 30_000 })).not.toThrow();
  });

  it('never reads process.env', () => {
    const env = process.env;
    const touched: string[] = [];
    process.env = new Proxy(env, {
      get: (t, p) => {
        touched.push(String(p));
        return Reflect.get(t, p);
      },
    });
    try {
      new Permissio({ token: TOKEN });
      new Permissio({ pdp: fakePdp().pdp });
    } finally {
      process.env = env;
    }
    expect(touched).toEqual([]);
  });
});

describe('Permissio over a PDP', () => {
  it('check passes the request through and resolves a boolean', async () => {
    const { pdp, calls } = fakePdp({ kind: 'embedded', sync: true });
    const permissio = new Permissio({ pdp });
    expect(
      await permissio.check('admin', 'read', { type: 'document', key: 'd1' }, { tenant: 'acme', context: { a: 1 } }),
    ).toBe(true);
    expect(calls.requests[0]).toEqual({
      user: 'admin',
      action: 'read',
      resource: { type: 'document', key: 'd1' },
      tenant: 'acme',
      context: { a: 1 },
    });
    expect(
      await permissio.bulkCheck([
        { user: 'admin', action: 'r', resource: 'x' },
        { user: 'b', action: 'r', resource: 'x' },
      ]),
    ).toEqual([true, false]);
    expect(await permissio.checkDetailed('b', 'read', 'doc')).toEqual({ allowed: false, reason: 'no_matching_grant' });
  });

  it('throwOnError: false → check false, management null, all logged', async () => {
    const { pdp } = fakePdp({ fail: () => true });
    const logger = captureLogger();
    const permissio = new Permissio({ pdp, throwOnError: false, logger });
    expect(await permissio.check('u', 'read', 'doc')).toBe(false);
    expect(await permissio.bulkCheck([{ user: 'u', action: 'r', resource: 'x' }])).toEqual([false]);
    expect(await permissio.checkDetailed('u', 'read', 'doc')).toBe(null);
    expect(await permissio.api.users.get('u')).toBe(null);
    expect(await permissio.assignRole('u', 'r')).toBe(null);
    expect(logger.lines.filter((l) => l.startsWith('error'))).toHaveLength(5);
  });

  it('throwOnError: true rejects', async () => {
    const { pdp } = fakePdp({ fail: () => true });
    const permissio = new Permissio({ pdp });
    await expect(permissio.check('u', 'read', 'doc')).rejects.toThrow('pdp down');
  });

  it('api.*.iterate walks every page; users.assignRole goes to roleAssignments', async () => {
    const { pdp } = fakePdp();
    const all: User[] = Array.from({ length: 7 }, (_, i) => ({ key: `u${i}`, attributes: {} }));
    const assigned: unknown[] = [];
    Object.assign(pdp, {
      users: {
        list: async ({ page = 1, perPage = 10 }: { page?: number; perPage?: number }) => ({
          data: all.slice((page - 1) * perPage, page * perPage),
          page,
          perPage,
          total: all.length,
        }),
      },
      roleAssignments: {
        assign: async (a: unknown) => {
          assigned.push(a);
          return a;
        },
        unassign: async () => undefined,
      },
    });
    const permissio = new Permissio({ pdp });
    const keys: string[] = [];
    for await (const user of permissio.api.users.iterate({ perPage: 3 })) keys.push(user.key);
    expect(keys).toEqual(all.map((u) => u.key));
    await permissio.api.users.assignRole('u1', 'editor', { tenant: 'acme' });
    await permissio.assignRole('u2', 'viewer', { resourceInstance: 'document:d' });
    expect(assigned).toEqual([
      { tenant: 'acme', user: 'u1', role: 'editor' },
      { resourceInstance: 'document:d', user: 'u2', role: 'viewer' },
    ]);
  });

  it('close() does not close a PDP it does not own; asyncDispose works', async () => {
    const { pdp } = fakePdp();
    let closed = 0;
    Object.assign(pdp, { close: async () => void closed++ });
    {
      await using permissio = new Permissio({ pdp });
      void permissio;
    }
    expect(closed).toBe(0);
  });

  it('types: throwOnError drives the return types', () => {
    const strict = new Permissio({ token: TOKEN });
    const lenient = new Permissio({ token: TOKEN, throwOnError: false });
    expectTypeOf(strict).toEqualTypeOf<Permissio<true>>();
    expectTypeOf(lenient).toEqualTypeOf<Permissio<false>>();
    expectTypeOf(strict.check).returns.toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(lenient.check).returns.toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(strict.checkDetailed).returns.toEqualTypeOf<Promise<Decision>>();
    expectTypeOf(lenient.checkDetailed).returns.toEqualTypeOf<Promise<Decision | null>>();
    expectTypeOf(strict.api.users.get).returns.toEqualTypeOf<Promise<User>>();
    expectTypeOf(lenient.api.users.get).returns.toEqualTypeOf<Promise<User | null>>();
    expectTypeOf(lenient.api.users.assignRole).returns.toEqualTypeOf<Promise<RoleAssignment | null>>();
    const any: Permissio<boolean> = Math.random() > 2 ? strict : lenient;
    expectTypeOf(any.api.users.get).returns.toEqualTypeOf<Promise<User | null>>();
  });
});

describe('errors', () => {
  it('apiErrorFromStatus maps to the hierarchy', () => {
    expect(apiErrorFromStatus(401, 'm')).toBeInstanceOf(PermissioAuthenticationError);
    expect(apiErrorFromStatus(403, 'm')).toBeInstanceOf(PermissioPermissionError);
    expect(apiErrorFromStatus(404, 'm')).toBeInstanceOf(PermissioNotFoundError);
    expect(apiErrorFromStatus(409, 'm')).toBeInstanceOf(PermissioConflictError);
    const limited = apiErrorFromStatus(429, 'm', { retryAfter: 3 }) as PermissioRateLimitError;
    expect(limited).toBeInstanceOf(PermissioRateLimitError);
    expect(limited.retryAfter).toBe(3);
    const server = apiErrorFromStatus(503, 'm', { code: 'X', details: 1, cause: 'c' });
    expect(server).toBeInstanceOf(PermissioApiError);
    expect([server.isServerError, server.isRetryable, server.code, server.details, server.cause]).toEqual([
      true,
      true,
      'X',
      1,
      'c',
    ]);
    expect(new PermissioTimeoutError('t')).toBeInstanceOf(PermissioNetworkError);
    expect(new PermissioNetworkError('t')).toBeInstanceOf(PermissioError);
  });

  it('parseRetryAfter reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('1')).toBe(1);
    expect(parseRetryAfter(' 2.5 ')).toBe(2.5);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
  });

  it('backoff is full-jitter exponential, capped', () => {
    expect(backoffDelay(0, () => 1)).toBe(50);
    expect(backoffDelay(3, () => 1)).toBe(400);
    expect(backoffDelay(20, () => 1)).toBe(2_000);
    expect(backoffDelay(5, () => 0)).toBe(0);
  });
});
