import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** The small JSON a typical `GET /resource/:id` answers (about 150 bytes). */
export const SMALL = {
  id: 42,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  role: 'admin',
  createdAt: '2026-02-10T12:00:00Z',
};

/** A list page of about 100 KB: what a fat `GET /collection` answers. */
export const LARGE = {
  data: Array.from({ length: 540 }, (_, i) => ({
    id: i + 1,
    name: `User number ${i + 1}`,
    email: `user${i + 1}@example.com`,
    role: i % 7 === 0 ? 'admin' : 'user',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    bio: 'Writes notes on the analytical engine and keeps them in order.',
  })),
  pagination: { page: 1, limit: 540, totalPages: 1, totalCount: 540 },
};

/** The body `POST /items` validates, the same DTO on both variants. */
export class CreateItemDto {
  @IsString() @IsNotEmpty() @MaxLength(100) name!: string;
  @IsEmail() email!: string;
}

/** A body that passes `CreateItemDto`. */
export const VALID_ITEM = JSON.stringify({ name: 'Ada Lovelace', email: 'ada@example.com' });
/** Well-formed JSON that fails two rules: 400 on bare Nest, 422 with ours. */
export const INVALID_ITEM = JSON.stringify({ name: '', email: 'not-an-email' });
/** Not JSON at all: 400 on both. */
export const MALFORMED_ITEM = '{ "name": "Ada", "email": }';
