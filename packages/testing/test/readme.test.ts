// Every README snippet marked "mirrored in test/<file>" runs there: each of its code lines is a line of that file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const SNIPPET = /<!-- mirrored in (test\/[\w.-]+) -->\n```ts\n([\s\S]*?)```/g;
const snippets = [...readme.matchAll(SNIPPET)].map(([, file, code]) => ({ file: file ?? '', code: code ?? '' }));

const codeLines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('//'));

describe('README snippets', () => {
  it('one per framework at least', () => {
    const files = new Set(snippets.map((s) => s.file));
    expect([...files].sort()).toEqual([
      'test/express.test.ts',
      'test/fastify.test.ts',
      'test/hono.test.ts',
      'test/nestjs.test.ts',
    ]);
  });

  it.each(snippets.map((s, i) => [`${i + 1} (${s.file})`, s] as const))(
    'snippet %s is in its test file',
    (_name, s) => {
      const lines = new Set(codeLines(readFileSync(new URL(s.file, root), 'utf8')));
      const missing = codeLines(s.code).filter((line) => !lines.has(line));
      expect(missing).toEqual([]);
    },
  );
});
