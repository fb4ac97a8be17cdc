import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { ErrorCode } from '@app/contracts';
import type { Response } from 'express';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { Public } from '../../common/public.decorator';
import { HealthReport } from './health.dto';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Service status for load balancers and operators; 503 while any dependency is down. */
  @Public()
  // Monitoring polls often from one address: it must never be refused, nor spend that address's API budget.
  @SkipThrottle({ general: true, auth: true, export: true })
  @Get()
  @ApiEnvelope(HealthReport)
  @ApiErrors([503, 'A dependency is down or the instance is shutting down; `data` holds the report'])
  async check(@Res() res: Response): Promise<void> {
    const report = await this.health.report();
    if (report.status === 'healthy') {
      res.status(HttpStatus.OK).json({ success: true, data: report });
      return;
    }
    const down = Object.entries(report.services)
      .filter(([, state]) => state === 'disconnected' || state === 'unavailable')
      .map(([name, state]) => `${name} ${state}`);
    res.status(HttpStatus.SERVICE_UNAVAILABLE).json({
      success: false,
      error: down.length > 0 ? `Service degraded: ${down.join(', ')}` : 'Service is shutting down',
      code: ErrorCode.SERVICE_UNAVAILABLE,
      data: report,
    });
  }
}
