import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import type { Request, Response } from 'express';
import { ApiError } from '../../common/api-error';
import { authRequired, invalidToken } from '../auth/auth-errors';
import { Sessions } from '../auth/tokens/sessions';
import { DownloadLinks } from './download-link';
import { DownloadLinkView } from './dto/export-views';
import { exportExpired, exportNotReady } from './export-errors';
import type { ExportJob } from './export-job.entity';
import { ExportService } from './export.service';

const BEARER = /^Bearer (\S+)$/;

/** Streams finished archives from disk, to the owner only, with Range support and a safe file name. */
@Injectable()
export class ArchiveDownloads {
  constructor(
    private readonly exports: ExportService,
    private readonly links: DownloadLinks,
    private readonly sessions: Sessions,
  ) {}

  async link(userId: string, exportId: string): Promise<DownloadLinkView> {
    this.downloadable(await this.exports.find(userId, exportId));
    const { token, expiresAt } = this.links.create(exportId, userId);
    return { url: `/api/export/${exportId}/download?token=${token}`, expiresAt: expiresAt.toISOString() };
  }

  async send(exportId: string, request: Request, response: Response, linkToken?: string): Promise<void> {
    const userId = await this.authenticate(exportId, request, linkToken);
    const job = await this.exports.find(userId, exportId);
    const path = this.downloadable(job);
    const fileName = `${job.platform}-export-${(job.completedAt ?? job.createdAt).toISOString().slice(0, 10)}.zip`;
    await new Promise<void>((resolve, reject) => {
      // Express's send handles Range (206/416), ETag and Last-Modified; res.download builds
      // Content-Disposition with the content-disposition package.
      response.download(
        path,
        fileName,
        {
          acceptRanges: true,
          cacheControl: false,
          headers: { 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff' },
        },
        (error?: Error & { status?: number; code?: string }) => {
          if (!error || response.headersSent || error.code === 'ECONNABORTED') return resolve();
          if (error.status === 416) {
            response.status(416).json({ success: false, error: 'Range not satisfiable', code: ErrorCode.INVALID_FORMAT });
            return resolve();
          }
          reject(error.code === 'ENOENT' ? exportExpired() : error);
        },
      );
    });
  }

  private async authenticate(exportId: string, request: Request, linkToken?: string): Promise<string> {
    if (linkToken !== undefined) {
      const userId = this.links.verify(linkToken, exportId);
      if (!userId) throw new ApiError(HttpStatus.UNAUTHORIZED, ErrorCode.INVALID_TOKEN, 'Download link is invalid or has expired');
      return userId;
    }
    const header = request.headers.authorization;
    if (header === undefined) throw authRequired();
    const token = BEARER.exec(header)?.[1];
    const user = token ? await this.sessions.authenticate(token) : undefined;
    if (!user) throw invalidToken();
    return user.id;
  }

  private downloadable(job: ExportJob): string {
    if (job.status !== 'completed') throw exportNotReady(job.status);
    if (!job.archivePath) throw exportExpired();
    return job.archivePath;
  }
}
