import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { CredentialsService } from './credentials.service';
import { JwtAuthenticator } from './jwt.authenticator';
import { ProfileController } from './profile.controller';
import { TokenService } from './token.service';

/** Tokens (`POST /api/auth/token`), the caller's profile, and the authenticator the guard uses. */
@Module({
  imports: [UsersModule],
  controllers: [AuthController, ProfileController],
  providers: [TokenService, CredentialsService, JwtAuthenticator],
  exports: [TokenService, JwtAuthenticator],
})
export class AuthModule {}
