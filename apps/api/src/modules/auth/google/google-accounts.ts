import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import type { Profile } from 'passport-google-oauth20';
import { ApiError } from '../../../common/api-error';
import { NAME_FORBIDDEN_CHARACTERS, NAME_MAX_LENGTH, normaliseEmail, normaliseName } from '../users/identity-text';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';

const FORBIDDEN_IN_NAME = new RegExp(NAME_FORBIDDEN_CHARACTERS, 'gu');

/**
 * Turns a Google profile into an account: the account already linked to that Google id, else a new
 * account without a password when no account has Google's (verified) email.
 *
 * A Google sign-in never links itself to an existing account by email. Star Export sends no mail,
 * so a password account's email was never proven: whoever registered `newbie@example.com` first
 * need not own it, and linking would let the real owner's Google sign-in land in their account.
 * Such a sign-in is refused with ACCOUNT_EXISTS_LINK_REQUIRED instead; the account's owner links
 * Google after signing in with the password (`link`), which ends every other session of the account.
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
    if (existing.googleId === null) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        ErrorCode.ACCOUNT_EXISTS_LINK_REQUIRED,
        'An account with this email already exists: sign in with its password, then link Google from there',
      );
    }
    throw new ApiError(
      HttpStatus.CONFLICT,
      ErrorCode.EMAIL_TAKEN,
      'An account with this email is already linked to another Google account',
    );
  }

  /** Links the Google account to the signed-in account that asked for it (whatever its email). */
  async link(userId: string, profile: Profile): Promise<void> {
    const linked = await this.users.findByGoogleId(profile.id);
    if (linked?.id === userId) return;
    if (linked) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        ErrorCode.CONFLICT,
        'This Google account is already linked to another Star Export account',
      );
    }
    if (!(await this.users.linkGoogleAccount(userId, profile.id))) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        ErrorCode.CONFLICT,
        'This account is already linked to another Google account, or that Google account to another account',
      );
    }
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
