import { open } from 'node:fs/promises';
import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import type { Request, Response } from 'express';
import { ApiError } from '../../common/api-error';
import { DownloadCookie, Sessions, authRequired, invalidToken } from '../auth';
import { answerWithArchive } from './archive-file-response';
import { DownloadLinks, LinkHolder } from './download-link';
import { DownloadLinkView } from './dto/export-views.dto';
import { exportExpired, exportNotReady } from './export-errors';
import type { ExportJob } from './export-job.entity';
import { ExportService } from './export.service';

const BEARER = /^Bearer (\S+)$/;
const SAFE_FILE_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * `attachment; filename="…"; filename*=UTF-8''…`, both forms always (RFC 6266 §4.3): the
 * content-disposition package (res.download) leaves out filename* for Latin-1 names and drops the
 * quotes from token-like ones. The name is ours, built from a platform name and a date; anything
 * outside a plain file-name alphabet is refused rather than escaped.
 */
function attachment(fileName: string): string {
  if (!SAFE_FILE_NAME.test(fileName)) throw new Error(`Unsafe download file name ${JSON.stringify(fileName)}`);
  return `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Streams finished archives from disk, to the owner only, with Range support and a safe file name. */
@Injectable()
export class ArchiveDownloads {
  constructor(
    private readonly exports: ExportService,
    private readonly links: DownloadLinks,
    private readonly sessions: Sessions,
  ) {}

  async link(holder: LinkHolder, exportId: string): Promise<DownloadLinkView> {
    this.downloadable(await this.exports.find(holder.userId, exportId));
    const { token, expiresAt } = this.links.create(exportId, holder);
    return { url: `/api/export/${exportId}/download?token=${token}`, expiresAt: expiresAt.toISOString() };
  }

  async send(exportId: string, request: Request, response: Response, linkToken?: string): Promise<void> {
    const userId = await this.authenticate(exportId, request, linkToken);
    const job = await this.exports.find(userId, exportId);
    const path = this.downloadable(job);
    const fileName = `${job.platform}-export-${(job.completedAt ?? job.createdAt).toISOString().slice(0, 10)}.zip`;
    const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? exportExpired() : error;
    });
    try {
      const answer = await answerWithArchive(request, response, file, {
        'Content-Type': 'application/zip',
        'Content-Disposition': attachment(fileName),
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      if (answer === 'range_not_satisfiable') {
        response.status(416).json({ success: false, error: 'Range not satisfiable', code: ErrorCode.INVALID_FORMAT });
      }
    } catch (error) {
      // Once the archive's headers are out, a failure (the client went away, a read error) can only cut the answer short.
      if (!response.headersSent) throw error;
      response.destroy();
    } finally {
      await file.close();
    }
  }

  private async authenticate(exportId: string, request: Request, linkToken?: string): Promise<string> {
    if (linkToken !== undefined) {
      const holder = this.links.verify(linkToken, exportId);
      if (!holder || !(await this.sessions.isLive(holder.sessionId, holder.userId))) {
        throw new ApiError(HttpStatus.UNAUTHORIZED, ErrorCode.INVALID_TOKEN, 'Download link is invalid or has expired');
      }
      return holder.userId;
    }
    const header = request.headers.authorization;
    const token = header === undefined ? DownloadCookie.read(request) : BEARER.exec(header)?.[1];
    if (token === undefined && header === undefined) throw authRequired();
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
