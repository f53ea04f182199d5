import { testProject } from '../../vitest.project.js';

export default testProject('opentelemetry');
