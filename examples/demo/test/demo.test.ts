import { describe, expect, it } from 'vitest';
import { SCENARIO } from '../../shared/scenario.js';
import { FRAMEWORKS, renderListTable, runDemo } from '../src/demo.js';

describe('pnpm demo', () => {
  it('runs every example (and express against the PDP server) and every row matches', async () => {
    let output = '';
    const result = await runDemo({
      write: (text) => {
        output += text;
      },
      color: false,
    });

    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.rows).toHaveLength(SCENARIO.length * (FRAMEWORKS.length + 1));
    expect(result.rows.every((row) => row.matched)).toBe(true);
    // Every answer carried the scope's PDP call count; a 401 never reaches the PDP.
    expect(result.rows.every((row) => row.pdpCalls !== undefined)).toBe(true);
    expect(result.rows.filter((row) => row.step.expected === 401).every((row) => row.pdpCalls === 0)).toBe(true);
    // Plain text when colour is off, and the summary line.
    expect(output).not.toContain('\u001b[');
    const total = SCENARIO.length * (FRAMEWORKS.length + 1);
    const lists = 5 * (FRAMEWORKS.length + 1);
    expect(output).toContain(`✓ ${total}/${total} rows matched, ${lists}/${lists} lists equal their item checks`);
    // Every user's GET /documents equals the ids GET /documents/:id allows, in every run (remote too).
    expect(result.lists).toHaveLength(lists);
    expect(result.lists.every((list) => list.ok && list.listStatus === 200)).toBe(true);
    const dave = result.lists.filter((list) => list.user === 'dave');
    expect(dave.map((list) => list.listed.join(' '))).toEqual(Array(FRAMEWORKS.length + 1).fill('doc-1 doc-4'));
    expect(result.lists.filter((list) => list.user === 'carol').every((list) => list.listed.join() === 'doc-3')).toBe(
      true,
    );
    expect(output).toMatch(/Lists: GET \/documents \(plan → SQL\)/);
    // The attribute rows (ABAC) ran in every run: owner allowed, non-owner denied, classification allow/deny.
    for (const label of [
      'bob edits his own doc-4',
      "dave edits bob's doc-4",
      'dave reads public doc-4',
      'dave reads secret doc-2',
    ]) {
      expect(result.rows.filter((row) => row.step.label === label && row.matched)).toHaveLength(FRAMEWORKS.length + 1);
    }
    // The Express example's route manifest: every route guarded or public, none unguarded.
    expect(output).toMatch(/GET\s+\/documents\/:id\s+read \(resolver\)/);
    // The list route has no route guard (the plan decides; the handler requires a user).
    expect(output).toMatch(/GET\s+\/documents\s+public/);
    expect(output).toMatch(/GET\s+\/health\s+public/);
    expect(output).not.toContain('UNGUARDED');
    expect(result.durationMs).toBeLessThan(60_000);
  }, 90_000);

  it('reports a failure (and still cleans up) when an example cannot start', async () => {
    const result = await runDemo({
      write: () => {},
      color: false,
      runs: [{ framework: 'express', remote: false }],
      startTimeout: 1,
    });
    expect(result.ok).toBe(false);
    expect(result.failures.join('\n')).toMatch(/express/);
  });

  it('marks a list that disagrees with its item checks', () => {
    const table = renderListTable([
      {
        run: 'x',
        user: 'dave',
        listStatus: 200,
        listed: ['doc-1', 'doc-2'],
        allowed: ['doc-1'],
        unexpected: [],
        ok: false,
        pdpCalls: 2,
      },
      { run: 'x', user: 'bob', listStatus: 200, listed: [], allowed: [], unexpected: [], ok: true, pdpCalls: 2 },
    ]);
    expect(table).toMatch(/dave\s+doc-1 doc-2\s+doc-1\s+✗/);
    expect(table).toMatch(/bob\s+\(none\)\s+\(none\)\s+✓/);
  });
});
