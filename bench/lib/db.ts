import { Client, ClientConfig } from 'pg';

/**
 * A short-lived connection to the PostgreSQL of the service under test (RunningService.database: the
 * embedded one over its private Unix socket DATA_DIR/run, or server mode's scratch database), for
 * fixtures only: rows the benchmarks need but that would take minutes to produce through the API (see
 * "Benchmarks" in the project README).
 */
export async function withDatabase<T>(database: ClientConfig, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(database);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Copies a completed export row to each of `userIds` (new ids, same content), optionally pointing
 * at another archive file; returns the new ids in the order of `userIds`.
 */
export async function copyExportRow(
  client: Client,
  sourceId: string,
  userIds: string[],
  archive?: { path: string; size: number },
): Promise<string[]> {
  const ids: string[] = [];
  for (const userId of userIds) {
    const result = await client.query<{ id: string }>(
      `INSERT INTO export_jobs (user_id, platform, format, options, status, progress, total_items, processed_items, attempt,
                                estimated_units, account, warnings, archive_path, file_name, file_size,
                                started_at, completed_at, expires_at)
       SELECT $2, platform, format, options, status, progress, total_items, processed_items, attempt,
              estimated_units, account, warnings, coalesce($3, archive_path), file_name, coalesce($4, file_size),
              started_at, completed_at, expires_at
         FROM export_jobs WHERE id = $1 AND status = 'completed'
       RETURNING id`,
      [sourceId, userId, archive?.path ?? null, archive?.size ?? null],
    );
    if (result.rows.length !== 1) throw new Error(`export ${sourceId} is not a completed export to copy`);
    ids.push(result.rows[0].id);
  }
  return ids;
}

/**
 * Credits the user's YouTube quota ledger with `units` (a negative opening balance for today). The
 * service caps YouTube at Google's default 10,000 units per user per day, so an export above about
 * 245,000 videos (1 + 2·⌈N/50⌉ units) is refused up front; this stands in for a quota extension.
 */
export async function creditYouTubeQuota(client: Client, userId: string, units: number): Promise<void> {
  const result = await client.query(`UPDATE platform_quota_usage SET units = units - $2 WHERE user_id = $1 AND platform = 'youtube'`, [userId, units]);
  if (result.rowCount === 0) throw new Error('no quota row to credit: connect the platform first');
}
