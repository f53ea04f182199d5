import { nestDecorators, testProject } from '../../vitest.project.js';

export default testProject('nestjs', { plugins: [nestDecorators()] });
