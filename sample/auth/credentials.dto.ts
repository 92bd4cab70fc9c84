import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Body of `POST /api/auth/token`. */
export class CredentialsDto {
  @IsString({ message: 'Email must be a string.' })
  @IsNotEmpty({ message: 'Email is required.' })
  @MaxLength(320, { message: 'Email must be at most 320 characters.' })
  email!: string;

  @IsString({ message: 'Password must be a string.' })
  @IsNotEmpty({ message: 'Password is required.' })
  @MaxLength(200, { message: 'Password must be at most 200 characters.' })
  password!: string;
}
