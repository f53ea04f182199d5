import { Controller, Get } from '@nestjs/common';
import { Public } from '@permissio/nestjs';

/** Deliberately public: with `requireGuard`, a handler without `@RequirePermission` needs `@Public()`. */
@Public()
@Controller('health')
export class HealthController {
  @Get()
  health() {
    return { status: 'ok' };
  }
}
