import { Injectable } from '@nestjs/common';
import { invalidCredentials, invalidToken } from './auth-errors';
import type { LoginRequest, RegisterRequest } from './auth-requests.dto';
import type { AuthSession, TokenPair, UserProfile } from './auth-responses.dto';
import type { AuthUser } from './auth-user.dto';
import { ConnectedPlatformsReader } from './connected-platforms.reader';
import { LoginThrottle } from './passwords/login-throttle';
import { PasswordHasher } from './passwords/password-hasher';
import { Sessions } from './tokens/sessions';
import type { User } from './users/user.entity';
import { UsersService } from './users/users.service';

/** Inputs arrive validated and normalised (auth-requests.dto.ts). */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly sessions: Sessions,
    private readonly connectedPlatforms: ConnectedPlatformsReader,
    private readonly loginThrottle: LoginThrottle,
  ) {}

  async register(input: RegisterRequest): Promise<AuthSession> {
    const passwordHash = await this.passwords.hash(input.password);
    const user = await this.users.create({ email: input.email, name: input.name, passwordHash });
    return this.signIn(user);
  }

  /**
   * Unknown email, account without a password, wrong password: one answer, and the same argon2 work.
   * Every email is throttled alike (LoginThrottle), known or not, so a 429 tells nothing either.
   */
  async login(input: LoginRequest): Promise<AuthSession> {
    await this.loginThrottle.attempt(input.email);
    const user = await this.users.findByEmail(input.email);
    if (!user?.passwordHash) {
      await this.passwords.verifyAgainstDummy(input.password);
      throw invalidCredentials();
    }
    if (!(await this.passwords.verify(user.passwordHash, input.password))) throw invalidCredentials();
    if (this.passwords.needsRehash(user.passwordHash)) {
      await this.users.setPasswordHash(user.id, await this.passwords.hash(input.password));
    }
    return this.signIn(user);
  }

  async signIn(user: User): Promise<AuthSession> {
    const pair = await this.sessions.start(user.id);
    return { user: { id: user.id, email: user.email, name: user.name }, ...pair };
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const pair = await this.sessions.refresh(refreshToken);
    if (!pair) throw invalidToken();
    return pair;
  }

  logout(refreshToken: string): Promise<void> {
    return this.sessions.end(refreshToken);
  }

  async profile(current: AuthUser): Promise<UserProfile> {
    const user = await this.users.findById(current.id);
    if (!user) throw invalidToken();
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      createdAt: user.createdAt,
      platforms: await this.connectedPlatforms.connectedPlatformNames(user.id),
    };
  }
}
