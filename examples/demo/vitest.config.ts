import { testProject } from '../../vitest.project.js';

export default testProject('demo', { test: { testTimeout: 60_000 } });
