import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Body of `POST /api/users` and `PUT /api/users/{id}`, with the guide's messages. */
export class UserDto {
  @Transform(trim)
  @IsString({ message: 'Name must be a string.' })
  @IsNotEmpty({ message: 'Name is required and cannot be empty.' })
  @MaxLength(100, { message: 'Name must be at most 100 characters.' })
  name!: string;

  // isEmail bounds the length itself (RFC 5321 limits).
  @IsEmail({}, { message: 'Must be a valid email address.' })
  email!: string;
}

/** A user as the API shows it. */
export interface User {
  id: number;
  name: string;
  email: string;
  role: string;
  createdAt: string;
  /** Bumped on every change; the source of the user's ETag. */
  version: number;
  updatedAt: string;
}

/**
 * A user as the API sends it: `{ id, name, email, role, createdAt }`. Its version is the user's
 * ETag (`"v3"`), not part of the body: it sits in a private field, which JSON leaves out.
 */
export class UserView {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly role: string;
  readonly createdAt: string;
  readonly #version: number;

  constructor(user: User) {
    this.id = user.id;
    this.name = user.name;
    this.email = user.email;
    this.role = user.role;
    this.createdAt = user.createdAt;
    this.#version = user.version;
  }

  /** The source of the ETag. */
  get version(): number {
    return this.#version;
  }
}
