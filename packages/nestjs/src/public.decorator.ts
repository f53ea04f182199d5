/**
 * `@Public()`: marks a handler (or every handler of a controller) as
 * deliberately public, for `requireGuard: true` and the route manifest. The
 * guard asks nothing for it. A method's `@RequirePermission()` wins over its
 * controller's `@Public()`, and the other way round.
 */
import { SetMetadata } from '@nestjs/common';

/** Metadata key written by `@Public()`. */
export const PERMISSIO_PUBLIC = 'PERMISSIO:PUBLIC';

/** Marks the decorated handler or controller public. */
export function Public(): MethodDecorator & ClassDecorator {
  return SetMetadata(PERMISSIO_PUBLIC, true);
}
