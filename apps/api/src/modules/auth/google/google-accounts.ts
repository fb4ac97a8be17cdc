import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import type { Profile } from 'passport-google-oauth20';
import { ApiError } from '../../../common/api-error';
import { NAME_FORBIDDEN_CHARACTERS, NAME_MAX_LENGTH, normaliseEmail, normaliseName } from '../users/identity-text';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';

const FORBIDDEN_IN_NAME = new RegExp(NAME_FORBIDDEN_CHARACTERS, 'gu');

/**
 * Turns a Google profile into an account: the account already linked to that Google id, else the
 * account with the same email (only when Google has verified it, so nobody takes over an account
 * with an address they do not own), else a new account without a password.
 */
@Injectable()
export class GoogleAccounts {
  constructor(private readonly users: UsersService) {}

  async signIn(profile: Profile): Promise<User> {
    const linked = await this.users.findByGoogleId(profile.id);
    if (linked) return linked;

    const email = verifiedEmail(profile);
    if (!email) {
      const message = 'Your Google account has no verified email address';
      throw new ApiError(HttpStatus.FORBIDDEN, ErrorCode.FORBIDDEN, message);
    }
    const existing = await this.users.findByEmail(email);
    if (!existing) {
      return this.users.create({ email, name: displayName(profile, email), googleId: profile.id });
    }
    if (!(await this.users.linkGoogleAccount(existing.id, profile.id))) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        ErrorCode.EMAIL_TAKEN,
        'An account with this email is already linked to another Google account',
      );
    }
    return { ...existing, googleId: profile.id };
  }
}

function verifiedEmail(profile: Profile): string | undefined {
  const email = profile.emails?.[0];
  // Google's userinfo has sent `email_verified` both as a boolean and as the string "true".
  const verified = (email?.verified as unknown) === true || (email?.verified as unknown) === 'true';
  return email && verified && typeof email.value === 'string' ? normaliseEmail(email.value) : undefined;
}

/** Google's display name, held to the same rules as a typed-in name; the email's local part if nothing is left. */
function displayName(profile: Profile, email: string): string {
  const clean = (raw: string): string =>
    [...normaliseName(raw.replace(FORBIDDEN_IN_NAME, ''))].slice(0, NAME_MAX_LENGTH).join('').trim();
  const fromGoogle = typeof profile.displayName === 'string' ? profile.displayName : '';
  return clean(fromGoogle) || clean(email.split('@')[0]) || 'Google user';
}
