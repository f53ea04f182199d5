// The declaration `permissio-server types` writes (same form), registering a policy for this program.
import '@permissio/core';

declare module '@permissio/core' {
  interface Register {
    policy: {
      resources: [{ key: 'document'; actions: ['delete', 'read', 'write'] }, { key: 'project'; actions: ['view'] }];
    };
  }
}
