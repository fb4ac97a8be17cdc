import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import type { Request, Response } from 'express';
import type { SendFileOptions } from 'express-serve-static-core';
import { ApiError } from '../../common/api-error';
import { DownloadCookie, Sessions, authRequired, invalidToken } from '../auth';
import { DownloadLinks, LinkHolder } from './download-link';
import { DownloadLinkView } from './dto/export-views.dto';
import { exportExpired, exportNotReady } from './export-errors';
import type { ExportJob } from './export-job.entity';
import { ExportService } from './export.service';

const BEARER = /^Bearer (\S+)$/;
const SAFE_FILE_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Read size of the archive stream. At the default 64 KiB every chunk is a fresh external buffer,
 * and on a gigabyte the collector ends up running full collections every few dozen milliseconds;
 * 1 MiB chunks cut their number sixteenfold. A slow client holds at most one chunk plus the socket's
 * buffer per download, since pipe waits for it to drain.
 */
const READ_CHUNK_BYTES = 1024 * 1024;

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

/**
 * What Express's send needs for an archive. send hands its options on to fs.createReadStream,
 * which is how the read size gets there; Express's type does not list it.
 */
function sendOptions(fileName: string): SendFileOptions & { highWaterMark: number } {
  return {
    acceptRanges: true,
    cacheControl: false,
    highWaterMark: READ_CHUNK_BYTES,
    headers: {
      'Content-Disposition': attachment(fileName),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  };
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
    await new Promise<void>((resolve, reject) => {
      // Express's send handles Range (206/416), ETag, Last-Modified and the zip Content-Type.
      response.sendFile(
        path,
        sendOptions(fileName),
        (error?: Error & { status?: number; code?: string }) => {
          if (!error || response.headersSent || error.code === 'ECONNABORTED') return resolve();
          if (error.status === 416) {
            // send has already set the archive's headers; this answer is the JSON envelope, not the file.
            for (const name of ['Content-Disposition', 'Content-Type', 'ETag', 'Last-Modified']) response.removeHeader(name);
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
