import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';

/** Small messages only: clients send nothing but the handshake. */
const MAX_MESSAGE_BYTES = 16 * 1024;

/** socket.io with the same CORS allow-list as HTTP and a small message cap. */
export class ConfiguredIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly frontendUrl: string | undefined,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    return super.createIOServer(port, {
      ...(options as ServerOptions),
      cors: { origin: this.frontendUrl ? [this.frontendUrl] : false, credentials: true },
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
    });
  }
}
