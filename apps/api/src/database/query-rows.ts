import { DataSource, EntityManager } from 'typeorm';

/**
 * The rows a statement returns (`RETURNING …`). TypeORM's plain `query()` answers UPDATE and DELETE
 * with `[rows, affectedCount]` instead of the rows, which makes "did it match?" checks silently
 * wrong; the structured result carries the rows for every kind of statement.
 */
export async function queryRows<T>(target: DataSource | EntityManager, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const manager = target instanceof DataSource ? target.manager : target;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return result.records as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
