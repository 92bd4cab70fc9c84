import { Injectable } from '@nestjs/common';
import { Authenticator, bearerToken, InvalidTokenError } from '../../lib';
import type { User } from '../users/user.dto';
import { UserNotFound } from '../users/user.errors';
import { UsersService } from '../users/users.service';
import { TokenService } from './token.service';

/**
 * Who is calling, for `StatusModule`'s auth guard: no Bearer token (no `Authorization` header, or
 * another scheme such as `Basic`) → nobody (401 "Authentication required", the bare challenge); a
 * token that does not verify, has expired, or names a user who no longer exists →
 * `InvalidTokenError` (401 `error="invalid_token"`).
 */
@Injectable()
export class JwtAuthenticator implements Authenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly users: UsersService,
  ) {}

  async authenticate(request: {
    headers: Record<string, string | undefined>;
  }): Promise<User | undefined> {
    const token = bearerToken(request);
    if (token === undefined) return undefined;
    const userId = this.tokens.verify(token);
    try {
      return await this.users.find(userId);
    } catch (error) {
      if (error instanceof UserNotFound) throw new InvalidTokenError();
      throw error;
    }
  }
}
