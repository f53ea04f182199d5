/** The app's policy, declared once and registered with @permissio/core: every API below is typed by it. */
import { definePolicy } from '@permissio/core';

export const policy = definePolicy({
  resources: [
    { key: 'document', actions: ['read', 'write', 'delete'] },
    { key: 'project', actions: ['view'] },
  ],
});

declare module '@permissio/core' {
  interface Register {
    policy: typeof policy;
  }
}
