import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Public, UnauthenticatedError } from '../../lib';
import { Throws } from '../../lib/openapi';
import { CredentialsDto } from './credentials.dto';
import { CredentialsService } from './credentials.service';
import { TOKEN_LIFETIME, TokenService } from './token.service';

@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly tokens: TokenService,
  ) {}

  /** 200 `{ accessToken, tokenType, expiresIn }`; 400 malformed JSON; 422 missing fields; 401 wrong credentials. */
  @Public()
  @Post('token')
  @HttpCode(200)
  @Throws(UnauthenticatedError)
  async issue(@Body() dto: CredentialsDto) {
    const userId = await this.credentials.check(dto.email, dto.password);
    return {
      accessToken: this.tokens.sign(userId),
      tokenType: 'Bearer',
      expiresIn: TOKEN_LIFETIME,
    };
  }
}
