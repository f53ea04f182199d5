/** Version of `@permissio/core`, sent as `X-Permissio-SDK: ts/<version>`. */
export const SDK_VERSION = '0.1.0';
