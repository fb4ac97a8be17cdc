import type { MigrationInterface } from 'typeorm';

/** Every migration, in order. Each module adds its own file here; they run at start. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [];
