import { Controller, Get } from '@nestjs/common';

/** Public: no `@RequirePermission`, so the guard lets it through. */
@Controller('health')
export class HealthController {
  @Get()
  health() {
    return { status: 'ok' };
  }
}
