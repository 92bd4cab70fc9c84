import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Body of `PUT /api/documents/{id}`: the whole document (a missing `body` is empty). */
export class DocumentDto {
  @Transform(trim)
  @IsString({ message: 'Title must be a string.' })
  @IsNotEmpty({ message: 'Title is required and cannot be empty.' })
  @MaxLength(200, { message: 'Title must be at most 200 characters.' })
  title!: string;

  @IsOptional()
  @IsString({ message: 'Body must be a string.' })
  @MaxLength(100_000, { message: 'Body must be at most 100000 characters.' })
  body?: string;
}

/** Body of `PATCH /api/documents/{id}`: only what changes. */
export class PatchDocumentDto {
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'Title must be a string.' })
  @IsNotEmpty({ message: 'Title cannot be empty.' })
  @MaxLength(200, { message: 'Title must be at most 200 characters.' })
  title?: string;

  @IsOptional()
  @IsString({ message: 'Body must be a string.' })
  @MaxLength(100_000, { message: 'Body must be at most 100000 characters.' })
  body?: string;
}

/** A document as the API sends it. `version` is the source of its ETag (`"v5"`). */
export interface Document {
  id: number;
  title: string;
  body: string;
  version: number;
  updatedAt: string;
}
