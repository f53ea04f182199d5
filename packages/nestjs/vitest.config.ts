import swc from 'unplugin-swc';
import { defineProject } from 'vitest/config';

export default defineProject({
  // Nest reads constructor parameter types from decorator metadata, which
  // esbuild (vitest's default transform) does not emit: compile with SWC.
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
  resolve: { conditions: ['@permissio/source'] },
  ssr: { resolve: { conditions: ['@permissio/source'] } },
  test: { name: 'nestjs', include: ['test/**/*.test.ts'] },
});
