/**
 * Boots a Nest application on platform-express or platform-fastify through
 * @nestjs/testing and drives it with real HTTP requests (supertest on the
 * listening server, 127.0.0.1, port 0).
 */
import 'reflect-metadata';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: readonly Platform[] = ['express', 'fastify'];

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

export interface NestTestApp {
  readonly app: INestApplication;
  readonly url: string;
  request(method: string, path: string, headers?: Record<string, string>): Promise<TestResponse>;
  close(): Promise<void>;
}

export async function createNestApp(platform: Platform, metadata: ModuleMetadata): Promise<NestTestApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication(platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  if (platform === 'fastify') {
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  }
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    url,
    async request(method, path, headers = {}) {
      const agent = request(app.getHttpServer());
      let req = agent[method.toLowerCase() as 'get'](path);
      for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
      const res = await req;
      return {
        status: res.status,
        headers: res.headers as Record<string, string>,
        body: res.body as unknown,
        text: res.text,
      };
    },
    close: () => app.close(),
  };
}
