import type { AuthType, ExportFormat } from '@app/contracts';
import { ApiDateTime, ApiInteger, ApiPlatform } from '../../../common/openapi/api-formats.decorator';

/** One catalogue entry of `GET /api/platforms`. */
export class PlatformView {
  @ApiPlatform() name: string;
  displayName: string;
  authType: AuthType;
  exportFormats: ExportFormat[];
  /** What can be exported: API collections by name, and `archive:<collection>` for each collection an archive import (`POST /api/export/import`) gives. */
  features: Record<string, boolean>;
}

export class QuotaUsageView {
  @ApiInteger({ description: 'Units spent in the current window.' }) used: number;
  @ApiInteger() limit: number;
  @ApiDateTime({ description: 'When the counter goes back to zero (YouTube: midnight America/Los_Angeles).' })
  resetsAt: string;
  @ApiInteger({
    nullable: true,
    description:
      "Facebook: the highest usage Meta reported last in this window (percent, from X-App-Usage and X-Business-Use-Case-Usage); exports slow down from 75 and park from 95. Null where the platform reports none.",
  })
  reportedPercent: number | null;
}

export class PlatformAccountView {
  id: string;
  name: string;
}

/** The answer of `GET /api/platforms/:platform/status`. */
export class PlatformStatusView {
  connected: boolean;
  /** True when the platform refused the stored credentials: connect again. */
  needsReconnect: boolean;
  account: PlatformAccountView | null;
  @ApiDateTime({ nullable: true, description: 'When an export last finished with this connection.' })
  lastSync: string | null;
  @ApiDateTime({
    nullable: true,
    description: 'When the stored access token expires (refreshed automatically where the platform allows).',
  })
  tokenExpiry: string | null;
  /** Scopes the grant carries, as the platform reports them. */
  permissions: string[];
  quotaUsage: QuotaUsageView;
}

/** The consent screen to send the browser to, for `GET /api/platforms/:platform/oauth?mode=json`. */
export class AuthorizationUrlView {
  authorizationUrl: string;
}

/** The answer of an OAuth callback that connected the platform. */
export class OAuthConnectedView {
  @ApiPlatform() platform: string;
  connected: boolean;
}

/** The connect answer's data, on platforms whose connection carries risks the user must know (Instagram). */
export class ConnectPlatformView {
  /** What connecting this way can cost the account, and what Star Export does about it. */
  warnings: string[];
}
