import type { MigrationInterface } from 'typeorm';
import { CreateAuthTables1795885800000 } from './1795885800000-create-auth-tables';

/** Every migration, in order. Each module adds its own file here; they run at start. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [CreateAuthTables1795885800000];
