import { Injectable } from '@nestjs/common';
import * as jwt from 'jsonwebtoken';
import { InvalidTokenError } from '../../lib';
import type { SampleConfig } from '../config/sample-config';
import { InjectSampleConfig } from '../config/sample-config.module';

/** How long an access token lives, in seconds. */
export const TOKEN_LIFETIME = 3600;

/** Signs and verifies the sample's access tokens: HS256 JWTs with the user id as `sub`. */
@Injectable()
export class TokenService {
  constructor(@InjectSampleConfig() private readonly config: SampleConfig) {}

  /** A token for the user; `lifetime` in seconds (negative for an already expired one, in tests). */
  sign(userId: number, lifetime = TOKEN_LIFETIME): string {
    return jwt.sign({ sub: String(userId) }, this.config.jwtSecret, {
      algorithm: 'HS256',
      expiresIn: lifetime,
    });
  }

  /** The user id of a valid token; `InvalidTokenError` (expired or not) otherwise. */
  verify(token: string): string {
    try {
      // Pinning the algorithm refuses `alg: none` and key-confusion tokens.
      const claims = jwt.verify(token, this.config.jwtSecret, { algorithms: ['HS256'] });
      if (typeof claims === 'string' || typeof claims.sub !== 'string') {
        throw new InvalidTokenError();
      }
      return claims.sub;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      throw error instanceof jwt.TokenExpiredError
        ? InvalidTokenError.expired()
        : new InvalidTokenError();
    }
  }
}
