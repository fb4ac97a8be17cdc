import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { invalidFormat } from '../../common/api-error';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { Public } from '../../common/public.decorator';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator';
import { ResponseMessage } from '../../common/response-message.decorator';
import { AuthUser, CurrentSession, CurrentUser } from '../auth';
import { ArchiveDownloads } from './archive-downloads';
import {
  DownloadLinkView,
  ExportListView,
  ExportStatsView,
  ExportStatusView,
  StartedExportView,
} from './dto/export-views.dto';
import { ImportArchiveForm } from './dto/import-archive.dto';
import { ListExportsQuery } from './dto/list-exports-query.dto';
import { StartExportDto } from './dto/start-export.dto';
import { ExportService } from './export.service';
import { IdempotencyKey } from './idempotency-key.decorator';
import { ArchiveImports } from './import/archive-imports';

const exportId = new ParseUUIDPipe({
  version: '4',
  exceptionFactory: () => invalidFormat('Export id must be a UUID', [{ field: 'jobId', messages: ['jobId must be a UUID'] }]),
});
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,200}$/;

@ApiTags('export')
@ApiBearerAuth()
@RateLimit('export')
@Controller('export')
export class ExportController {
  constructor(
    private readonly exports: ExportService,
    private readonly downloads: ArchiveDownloads,
    private readonly imports: ArchiveImports,
  ) {}

  /** Starts an export; it runs in the background. Progress arrives over the WebSocket and from GET. */
  @Post('start')
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retrying a start with the same key and body returns the same job; the same key with another body is refused (422)' })
  @ApiEnvelope(StartedExportView, { status: 201, echo: ['jobId'] })
  @ApiErrors(
    [400, 'Unknown platform, a format it does not offer, or invalid options'],
    [401, 'Not signed in'],
    [409, 'The platform is not connected'],
    [422, 'The Idempotency-Key was already used with a different body (IDEMPOTENCY_KEY_REUSED)'],
    [429, 'Rate limit, too many active exports, or not enough platform quota'],
    [503, 'The server has no room for a new export (STORAGE_FULL), or the database or queue is briefly unreachable (SERVICE_UNAVAILABLE); see Retry-After'],
  )
  start(
    @CurrentUser() user: AuthUser,
    @Body() body: StartExportDto,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<StartedExportView> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw invalidFormat('Idempotency-Key must be 1 to 200 letters, digits or . _ : -');
    }
    return this.exports.start(user.id, body, idempotencyKey);
  }

  /**
   * Imports a platform's own data archive (X archive, Facebook or Instagram "Download Your Information"
   * in JSON, Google Takeout of YouTube) as an export: the upload streams to disk, the archive is checked
   * and its platform detected from its content, and the answer is the same as a start's. From then on
   * it is an export like any other (status, events, cancel, download). Upload progress arrives over the
   * WebSocket as `import:upload`.
   */
  @Post('import')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportArchiveForm })
  @ApiEnvelope(StartedExportView, { status: 201, echo: ['jobId'] })
  @ApiErrors(
    [400, 'Not multipart, a missing file, bad fields (INVALID_FORMAT), or an archive that cannot be imported (INVALID_ARCHIVE, the reason in the message)'],
    [401, 'Not signed in'],
    [413, 'The archive is larger than IMPORT_MAX_BYTES (PAYLOAD_TOO_LARGE)'],
    [429, 'Rate limit, or too many active exports'],
    [503, 'The server has no room for a new import (STORAGE_FULL)'],
  )
  importArchive(@CurrentUser() user: AuthUser, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<StartedExportView> {
    return this.imports.receive(user.id, request, response);
  }

  /** The user's exports, newest first. */
  @Get()
  @ApiEnvelope(ExportListView)
  @ApiErrors([400, 'Invalid page, limit, status or platform'], [401, 'Not signed in'])
  list(@CurrentUser() user: AuthUser, @Query() query: ListExportsQuery): Promise<ExportListView> {
    return this.exports.list(user.id, query);
  }

  /** Totals over all of the user's exports. */
  @Get('stats/summary')
  @ApiEnvelope(ExportStatsView)
  @ApiErrors([401, 'Not signed in'])
  stats(@CurrentUser() user: AuthUser): Promise<ExportStatsView> {
    return this.exports.stats(user.id);
  }

  /** Status and progress of one export. */
  @Get(':jobId')
  @ApiEnvelope(ExportStatusView)
  @ApiErrors([400, 'Malformed id'], [401, 'Not signed in'], [404, 'No such export'])
  get(@CurrentUser() user: AuthUser, @Param('jobId', exportId) id: string): Promise<ExportStatusView> {
    return this.exports.get(user.id, id);
  }

  /** Stops a queued or running export; cancelling a cancelled export again succeeds. */
  @Post(':jobId/cancel')
  @HttpCode(200)
  @ResponseMessage('Export cancelled successfully')
  @ApiEnvelope(null)
  @ApiErrors([400, 'Malformed id'], [401, 'Not signed in'], [404, 'No such export'], [409, 'The export already finished'])
  async cancel(@CurrentUser() user: AuthUser, @Param('jobId', exportId) id: string): Promise<void> {
    await this.exports.cancel(user.id, id);
  }

  /** A short-lived link that downloads the archive without an Authorization header. */
  @Post(':jobId/download-link')
  @HttpCode(201)
  @ApiEnvelope(DownloadLinkView, { status: 201 })
  @ApiErrors([401, 'Not signed in'], [404, 'No such export'], [409, 'The export is not completed'])
  downloadLink(
    @CurrentUser() user: AuthUser,
    @CurrentSession() sessionId: string,
    @Param('jobId', exportId) id: string,
  ): Promise<DownloadLinkView> {
    return this.downloads.link({ userId: user.id, sessionId }, id);
  }

  /**
   * The ZIP archive. Authenticate with the Authorization header, with the HttpOnly cookie that
   * sign-in and refresh set (so a browser can simply navigate here), or with `token` from the
   * download-link route. Supports Range requests.
   */
  @Public()
  @Get(':jobId/download')
  // Only the archive itself is a ZIP: every error is the JSON envelope, as on any other route.
  @ApiResponse({ status: 200, description: 'The ZIP archive', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } })
  @ApiResponse({
    status: 206,
    description: 'The requested byte range of the ZIP archive',
    content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiQuery({ name: 'token', required: false, description: 'A signed link token from POST /api/export/{jobId}/download-link' })
  @ApiErrors(
    [401, 'Neither a valid bearer token, download cookie nor link token'],
    [404, 'No such export'],
    [409, 'The export is not completed'],
    [410, 'The archive expired and was deleted'],
    [416, 'Range not satisfiable'],
  )
  async download(
    @Param('jobId', exportId) id: string,
    @Req() request: Request,
    @Res() response: Response,
    @Query('token') token?: string,
  ): Promise<void> {
    await this.downloads.send(id, request, response, token);
  }
}
