export { Engine, createEngine } from './engine.js';
export type { EngineOptions } from './engine.js';
export type { ChangeListener, EngineChange, ManagementChange, WriteMethods } from './events.js';
export type { EngineRoleAssignmentsOperations } from './ops/assignments.js';
