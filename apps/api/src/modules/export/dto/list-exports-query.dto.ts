import { EXPORT_STATUSES, ExportStatus, PLATFORM_NAMES } from '@app/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class ListExportsQuery {
  /** Page number, from 1. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100_000, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page: number = 1;

  /** Items per page, 1 to 50. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 50, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit: number = 10;

  @IsOptional()
  @IsIn(EXPORT_STATUSES)
  status?: ExportStatus;

  @ApiPropertyOptional({ enum: [...PLATFORM_NAMES], enumName: 'PlatformName' })
  @IsOptional()
  @Matches(/^[a-z]{2,20}$/, { message: 'platform must be a platform name' })
  platform?: string;
}
