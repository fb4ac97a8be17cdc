/**
 * The anchor of figure 3: the least a NestJS + Express service does for an authenticated read.
 *   ANCHOR_DATABASE=<pg connection config as JSON> ANCHOR_JWT_SECRET=<secret> anchor-server.js
 * GET /api/export/:id verifies an HS256 bearer JWT (its `sub` is the user) and reads that user's
 * export row by primary key from the same PostgreSQL as the service (its embedded one over the Unix
 * socket, or server mode's database), answering it as JSON. No
 * logging, no rate limit, no session check, no ORM. Tells its parent the port over IPC.
 */
import 'reflect-metadata';
import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Module,
  NotFoundException,
  Param,
  UnauthorizedException,
  UseGuards,
  createParamDecorator,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { verify } from 'jsonwebtoken';
import type { AddressInfo } from 'node:net';
import { ClientConfig, Pool } from 'pg';

// From the environment, not the arguments: a server mode connection string holds a password.
function required(name: string): string {
  const value = process.env[name];
  if (value) return value;
  process.stderr.write('usage: ANCHOR_DATABASE=<pg connection config as JSON> ANCHOR_JWT_SECRET=<secret> anchor-server.js\n');
  process.exit(2);
}
const connection = required('ANCHOR_DATABASE');
const secret = required('ANCHOR_JWT_SECRET');

const pool = new Pool({ ...(JSON.parse(connection) as ClientConfig), max: 4 });

interface AnchorRequest {
  headers: { authorization?: string };
  userId?: string;
}

const CurrentUserId = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<AnchorRequest>().userId,
);

@Injectable()
class BearerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AnchorRequest>();
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    try {
      const claims = token ? verify(token, secret, { algorithms: ['HS256'] }) : undefined;
      if (typeof claims !== 'object' || typeof claims.sub !== 'string') throw new Error('no subject');
      request.userId = claims.sub;
      return true;
    } catch {
      throw new UnauthorizedException();
    }
  }
}

@Controller('api/export')
@UseGuards(BearerGuard)
class ExportController {
  @Get(':id')
  async get(@Param('id') id: string, @CurrentUserId() userId: string): Promise<{ success: true; data: unknown }> {
    const { rows } = await pool.query('SELECT * FROM export_jobs WHERE id = $1 AND user_id = $2', [id, userId]);
    if (rows.length === 0) throw new NotFoundException();
    return { success: true, data: rows[0] };
  }
}

@Module({ controllers: [ExportController], providers: [BearerGuard] })
class AnchorModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AnchorModule, { logger: false });
  app.disable('x-powered-by');
  const server = await app.listen(0, '127.0.0.1');
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
  process.on('disconnect', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
}

void main();
