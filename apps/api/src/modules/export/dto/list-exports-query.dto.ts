import { EXPORT_STATUSES, ExportStatus } from '@app/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class ListExportsQuery {
  /** Page number, from 1. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page: number = 1;

  /** Items per page, 1 to 50. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit: number = 10;

  @IsOptional()
  @IsIn(EXPORT_STATUSES)
  status?: ExportStatus;

  @IsOptional()
  @Matches(/^[a-z]{2,20}$/, { message: 'platform must be a platform name' })
  platform?: string;
}
