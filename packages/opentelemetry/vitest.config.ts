import swc from 'unplugin-swc';
import { testProject } from '../../vitest.project.js';

export default testProject('opentelemetry', {
  // The NestJS test needs decorator metadata (constructor parameter types),
  // which esbuild (vitest's default transform) does not emit: compile with SWC.
  plugins: [
    swc.vite({
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'es6' },
    }),
  ],
});
