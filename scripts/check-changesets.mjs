#!/usr/bin/env node
// Every changeset parses: front matter of `"@permissio/<published>": patch|minor|major` lines between two `---`
// lines, then a summary. (A formatter once turned the closing `---` into a heading and `changeset version` broke.)
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dir = resolve(import.meta.dirname, '..', '.changeset');
const published = new Set(
  ['core', 'engine', 'server', 'express', 'fastify', 'hono', 'nestjs', 'filter', 'opentelemetry', 'testing'].map(
    (p) => `@permissio/${p}`,
  ),
);
const problems = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  const close = lines.indexOf('---', 1);
  if (lines[0] !== '---' || close < 2) {
    problems.push(`${file}: front matter must open and close with a line of exactly "---"`);
    continue;
  }
  for (const line of lines.slice(1, close)) {
    const match = /^"([^"]+)": (patch|minor|major)$/.exec(line);
    if (match === null) problems.push(`${file}: bad front-matter line ${JSON.stringify(line)}`);
    else if (!published.has(match[1])) problems.push(`${file}: ${match[1]} is not a published package`);
  }
  if (
    lines
      .slice(close + 1)
      .join('')
      .trim() === ''
  )
    problems.push(`${file}: no summary after the front matter`);
}
if (problems.length > 0) {
  console.error(`Invalid changesets:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
