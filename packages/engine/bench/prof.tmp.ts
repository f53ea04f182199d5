import { createEngine } from '../src/index.js';
const TYPES = ['document', 'folder', 'project', 'report', 'invoice'];
const ACTIONS = ['read', 'write', 'delete', 'share'];
const roles = Array.from({ length: 50 }, (_, i) => ({ key: `r${i}`, permissions: [`${TYPES[i % 5]}:${ACTIONS[i % 4]}`], extends: i >= 10 ? [`r${i - 10}`] : [] }));
const users = Array.from({ length: 10000 }, (_, i) => `user-${i}@example.com`);
const ra = [] as { user: string; role: string; tenant: string }[];
for (let i = 0; i < 80000; i++) ra.push({ user: users[i % 10000]!, role: `r${(i * 31) % 50}`, tenant: `t${(i * 7) % 100}` });
const engine = createEngine({ resources: TYPES.map((key) => ({ key, actions: ACTIONS })), roles, tenants: Array.from({ length: 100 }, (_, i) => ({ key: `t${i}` })), roleAssignments: ra });
const reqs = Array.from({ length: 100000 }, (_, i) => { const a = ra[(i * 7919) % ra.length]!; return { user: a.user, action: ACTIONS[i % 4]!, resource: TYPES[(i >> 2) % 5]!, tenant: a.tenant }; });
const small = reqs.slice(0, 1000);
for (const [name, list] of [['100k distinct', reqs], ['1k distinct', small]] as const) {
  for (let rep = 0; rep < 3; rep++) {
    let ops = 0; const s = performance.now();
    while (performance.now() - s < 1000) { for (const r of list) engine.check(r); ops += list.length; }
    console.log(name, Math.round(ops / ((performance.now() - s) / 1000)).toLocaleString());
  }
}
const m = new Map(reqs.map((r) => [`${r.user}\u0000${r.tenant}\u0000${r.resource}:${r.action}`, true]));
let ops = 0; const s = performance.now();
while (performance.now() - s < 1000) { for (const r of reqs) m.get(`${r.user}\u0000${r.tenant}\u0000${r.resource}:${r.action}`); ops += reqs.length; }
console.log('floor sync', Math.round(ops / ((performance.now() - s) / 1000)).toLocaleString());
