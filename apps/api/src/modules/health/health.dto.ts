export class HealthServices {
  database: 'connected' | 'disconnected';
  /** `not configured` in embedded mode, where nothing uses Redis. */
  redis: 'connected' | 'disconnected' | 'not configured';
  /** `available` when STORAGE_DIR is writable and has at least 1 GiB free. */
  storage: 'available' | 'unavailable';
}

export class HealthReport {
  /** `degraded` (with HTTP 503) when a dependency is down or the instance is shutting down. */
  status: 'healthy' | 'degraded';
  /** The service version, from package.json. */
  version: string;
  /** Seconds since the process started. */
  uptime: number;
  services: HealthServices;
}
