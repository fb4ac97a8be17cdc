import type { MigrationInterface } from 'typeorm';
import { CreateAuthTables1795885800000 } from './1795885800000-create-auth-tables';
import { CreatePlatformTables1795886000000 } from './1795886000000-create-platform-tables';
import { CreateExportTables1795886100000 } from './1795886100000-create-export-tables';
import { BindPlatformOAuthStates1795886230000 } from './1795886230000-bind-platform-oauth-states';
import { NormaliseEmailsNfkc1795886250000 } from './1795886250000-normalise-emails-nfkc';
import { AddIdempotencyFingerprint1796558100000 } from './1796558100000-add-idempotency-fingerprint';
import { CreateMaintenanceLeases1796571900000 } from './1796571900000-create-maintenance-leases';
import { AddReportedUsage1796600000000 } from './1796600000000-add-reported-usage';

/** Every migration, in order. Each module adds its own file here; they run at start. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  CreateAuthTables1795885800000,
  CreatePlatformTables1795886000000,
  CreateExportTables1795886100000,
  BindPlatformOAuthStates1795886230000,
  NormaliseEmailsNfkc1795886250000,
  AddIdempotencyFingerprint1796558100000,
  CreateMaintenanceLeases1796571900000,
  AddReportedUsage1796600000000,
];
