import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QuotaLimit } from '@app/contracts';
import { QuotaExceededError, nextQuotaReset } from '@app/platform-adapters';
import type { PlatformAdapter, PlatformUsageReport, QuotaCharge, QuotaLedger } from '@app/platform-adapters';
import { DataSource } from 'typeorm';
import { queryRows } from '../../../database/query-rows';
import type { QuotaStanding } from '../platform-access';

/**
 * Counts every platform request against the user's quota per platform, bucket and window. A window
 * is named by the instant it resets (YouTube: the next midnight in America/Los_Angeles), so a new
 * day starts a new row and nothing needs resetting. The counter belongs to the user and platform,
 * not the connection: reconnecting does not give back what was spent.
 */
@Injectable()
export class QuotaLedgerService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  ledgerFor(userId: string, adapter: PlatformAdapter): QuotaLedger {
    return {
      charge: async (charge: QuotaCharge) => {
        const limit = limitOf(adapter, charge.bucket);
        if (!limit) return;
        const resetsAt = windowEnd(limit, new Date());
        // Refuse the call before it is sent when it cannot be paid for; otherwise count it.
        const rows = await queryRows<{ units: string }>(
          this.db,
          `INSERT INTO platform_quota_usage (user_id, platform, bucket, resets_at, units)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (user_id, platform, bucket, resets_at)
           DO UPDATE SET units = platform_quota_usage.units + EXCLUDED.units
             WHERE platform_quota_usage.units + EXCLUDED.units <= $6
           RETURNING units`,
          [userId, adapter.descriptor.name, charge.bucket, resetsAt, charge.units, limit.limit],
        );
        if (rows.length === 0 || Number(rows[0].units) > limit.limit) {
          throw new QuotaExceededError(adapter.descriptor.name, charge.bucket, resetsAt, `the daily budget of ${limit.limit} ${limit.unit}s is spent`);
        }
      },
      reportUsage: async (report: PlatformUsageReport) => {
        const limit = limitOf(adapter, 'default') ?? adapter.descriptor.limits[0];
        if (!limit) return;
        await this.db.query(
          `INSERT INTO platform_quota_usage (user_id, platform, bucket, resets_at, units, reported_percent)
           VALUES ($1, $2, $3, $4, 0, $5)
           ON CONFLICT (user_id, platform, bucket, resets_at) DO UPDATE SET reported_percent = EXCLUDED.reported_percent`,
          [userId, adapter.descriptor.name, limit.bucket, windowEnd(limit, new Date()), Math.max(0, Math.min(32_767, Math.round(report.percent)))],
        );
      },
    };
  }

  async standing(userId: string, adapter: PlatformAdapter, now = new Date()): Promise<QuotaStanding> {
    const limit = limitOf(adapter, 'default') ?? adapter.descriptor.limits[0];
    if (!limit) return { used: 0, limit: 0, remaining: Number.MAX_SAFE_INTEGER, resetsAt: now };
    const resetsAt = windowEnd(limit, now);
    const rows: { units: string; reported_percent: number | null }[] = await this.db.query(
      `SELECT units, reported_percent FROM platform_quota_usage WHERE user_id = $1 AND platform = $2 AND bucket = $3 AND resets_at = $4`,
      [userId, adapter.descriptor.name, limit.bucket, resetsAt],
    );
    const used = Number(rows[0]?.units ?? 0);
    return { used, limit: limit.limit, remaining: Math.max(0, limit.limit - used), resetsAt, reportedPercent: rows[0]?.reported_percent ?? null };
  }
}

function limitOf(adapter: PlatformAdapter, bucket: string): QuotaLimit | undefined {
  return adapter.descriptor.limits.find((limit) => limit.bucket === bucket);
}

/** The end of the window `now` falls in. */
function windowEnd(limit: QuotaLimit, now: Date): Date {
  const reset = nextQuotaReset(limit.reset, now);
  if (reset) return reset;
  const seconds = limit.reset.type === 'window' ? limit.reset.seconds : 86_400;
  return new Date(Math.ceil((now.getTime() + 1) / (seconds * 1000)) * seconds * 1000);
}
