import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ErrorCode } from '@app/contracts';
import { IsNull, QueryFailedError, Repository } from 'typeorm';
import { ApiError } from '../../../common/api-error';
import { User } from './user.entity';

export type NewUser = Pick<User, 'email' | 'name'> & Partial<Pick<User, 'passwordHash' | 'googleId'>>;

/** Emails handed in here are already normalised (identity-text.ts). */
@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }

  findByGoogleId(googleId: string): Promise<User | null> {
    return this.users.findOneBy({ googleId });
  }

  /** 409 EMAIL_TAKEN when the email is in use: the unique index decides, so of two racing registrations one wins. */
  async create(fields: NewUser): Promise<User> {
    try {
      return await this.users.save(this.users.create(fields));
    } catch (error) {
      if (violates(error, 'users_email_key')) {
        throw new ApiError(HttpStatus.CONFLICT, ErrorCode.EMAIL_TAKEN, 'An account with this email already exists');
      }
      throw error;
    }
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.update({ id }, { passwordHash });
  }

  /**
   * Links a Google account to an account that has none yet; false if it got one meanwhile, or if
   * that Google account was linked to another account meanwhile (the unique index decides).
   */
  async linkGoogleAccount(id: string, googleId: string): Promise<boolean> {
    try {
      const result = await this.users.update({ id, googleId: IsNull() }, { googleId });
      return result.affected === 1;
    } catch (error) {
      if (violates(error, 'users_google_id_key')) return false;
      throw error;
    }
  }
}

function violates(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === constraint;
}
