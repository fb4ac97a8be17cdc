import { EXPORT_FORMATS, ExportFormat, PLATFORM_NAMES } from '@app/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate, IsExportableDay } from './is-calendar-date.validator';

/** The largest `maxRecords` a client may ask for. */
export const MAX_RECORDS_CAP = 1_000_000;

export class DateRangeDto {
  /** First day to include, `YYYY-MM-DD` (UTC), from 2004-01-01. */
  @IsCalendarDate()
  @IsExportableDay()
  start: string;

  /** Last day to include, `YYYY-MM-DD` (UTC); not before `start`, at most tomorrow. */
  @IsCalendarDate()
  @IsExportableDay()
  end: string;
}

export class ExportOptionsDto {
  /** Download media files (thumbnails, photos, videos) into the archive's `media/` folder. */
  @IsOptional()
  @IsBoolean()
  includeMedia?: boolean;

  /** Only items published within these days. */
  @IsOptional()
  @IsObject({ message: 'dateRange must be an object { start, end }' })
  @ValidateNested()
  @Type(() => DateRangeDto)
  dateRange?: DateRangeDto;

  /** Stop after this many items in all. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_RECORDS_CAP })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RECORDS_CAP)
  maxRecords?: number;

  /** A subset of the platform's features to export (e.g. `["videos", "playlists"]`); default all. */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  collections?: string[];
}

export class StartExportDto {
  /** A platform name from `GET /api/platforms`. */
  @ApiProperty({ enum: [...PLATFORM_NAMES], enumName: 'PlatformName' })
  @IsString()
  @Matches(/^[a-z]{2,20}$/, { message: 'platform must be a platform name from GET /api/platforms' })
  platform: string;

  /** One of the platform's `exportFormats`. */
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat;

  @IsOptional()
  @IsObject({ message: 'options must be an object' })
  @ValidateNested()
  @Type(() => ExportOptionsDto)
  options?: ExportOptionsDto;
}
