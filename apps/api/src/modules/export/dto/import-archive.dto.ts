import { EXPORT_FORMATS, ExportFormat, PLATFORM_NAMES } from '@app/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { ExportOptionsDto } from './start-export.dto';

export class ImportOptionsDto extends ExportOptionsDto {
  /**
   * Also fetch from the connected platform's API what is newer than the archive's newest item and merge
   * by id: each item once, the newer ones from the API (records say `source: "api"` or `"archive"`, the
   * manifest's `topUp` counts both). X only (its timeline, asked with `since_id`); 409
   * PLATFORM_NOT_CONNECTED without a connected account, 400 for a platform without a top-up.
   */
  @IsOptional()
  @IsBoolean()
  topUp?: boolean;
}

/** The fields of `POST /api/export/import` besides the file, as they are checked once parsed. */
export class ImportArchiveDto {
  /** One of the platform's `exportFormats`. */
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat;

  /** The platform the archive is from; detected from its content when absent, refused when it disagrees. */
  @ApiPropertyOptional({ enum: [...PLATFORM_NAMES], enumName: 'PlatformName' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z]{2,20}$/, { message: 'platform must be a platform name from GET /api/platforms' })
  platform?: string;

  @IsOptional()
  @IsObject({ message: 'options must be a JSON object' })
  @ValidateNested()
  @Type(() => ImportOptionsDto)
  options?: ImportOptionsDto;
}

/** The multipart form as the OpenAPI document shows it; `options` travels as a JSON string. */
export class ImportArchiveForm {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The platform\'s archive as downloaded: X archive, Facebook or Instagram "Download Your Information" (JSON), or Google Takeout (YouTube).' })
  file: string;

  @ApiProperty({ enum: EXPORT_FORMATS, description: 'One of the platform\'s `exportFormats`.' })
  format: ExportFormat;

  @ApiPropertyOptional({ enum: [...PLATFORM_NAMES], description: 'The platform the archive is from; detected from its content when absent, refused (INVALID_ARCHIVE) when it disagrees.' })
  platform?: string;

  @ApiPropertyOptional({
    type: 'string',
    description:
      'JSON of the export options (`collections`, `includeMedia`, `dateRange`, `maxRecords`, and `topUp`: merge the connected account\'s newer posts from the API, X only) e.g. `{"includeMedia":true,"topUp":true}`.',
  })
  options?: string;
}
