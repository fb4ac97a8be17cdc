import { Logger } from '@nestjs/common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

interface Row {
  id: string;
  email: string;
  created_at: Date;
}

/**
 * Emails were stored lower-case NFC; from now on they are NFKC (see identity-text.ts), so a
 * fullwidth or otherwise compatibility-equivalent copy of an address can no longer hold an account
 * of its own. The rule is written out here, not imported, so this migration keeps doing what it did
 * whatever later becomes of the application code.
 *
 * Two accounts may turn out to share one address. Accounts are never merged or deleted: the address
 * goes to the account that already holds it in normalised form (someone typed the plain address),
 * else to the oldest; every other account keeps its old, un-normalised email, which no sign-in can
 * produce any more (its sessions are ended). Such an account is reachable only through its Google
 * link, if it has one, and is logged for an operator to settle.
 */
export class NormaliseEmailsNfkc1795886250000 implements MigrationInterface {
  name = 'NormaliseEmailsNfkc1795886250000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Only rows NFKC changes can move; PostgreSQL finds them, the exact rule is applied below.
    const rows = (await queryRunner.query(
      `SELECT id, email, created_at FROM users WHERE email <> normalize(email, NFKC) ORDER BY created_at, id`,
    )) as Row[];
    const byTarget = new Map<string, Row[]>();
    for (const row of rows) {
      const target = normalise(row.email);
      if (target === row.email) continue;
      byTarget.set(target, [...(byTarget.get(target) ?? []), row]);
    }
    const logger = new Logger('Migration');
    for (const [target, candidates] of byTarget) {
      const [holder] = (await queryRunner.query(`SELECT id FROM users WHERE email = $1`, [target])) as { id: string }[];
      // Candidates are oldest first (the query's order): without a holder, the oldest takes the address.
      const winner = holder ? undefined : candidates[0];
      if (winner) await queryRunner.query(`UPDATE users SET email = $1 WHERE id = $2`, [target, winner.id]);
      for (const loser of holder ? candidates : candidates.slice(1)) {
        await queryRunner.query(
          `UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`,
          [loser.id],
        );
        logger.warn(
          `Account ${loser.id} shares its normalised email with account ${holder?.id ?? winner?.id}: ` +
            'it keeps its old email and can no longer sign in with a password',
        );
      }
    }
  }

  async down(): Promise<void> {
    // The old forms are gone; NFKC emails are valid lower-case NFC emails, so nothing needs undoing.
  }
}

function normalise(email: string): string {
  return email.replace(/^ +| +$/g, '').normalize('NFKC').toLowerCase().normalize('NFKC');
}
