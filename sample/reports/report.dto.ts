import { IsIn, IsInt, Max, Min } from 'class-validator';

/** Body of `POST /api/reports`. */
export class CreateReportDto {
  @IsIn(['annual', 'quarterly'], { message: 'Type must be "annual" or "quarterly".' })
  type!: 'annual' | 'quarterly';

  @IsInt({ message: 'Year must be a whole number.' })
  @Min(2000, { message: 'Year must be 2000 or later.' })
  @Max(9999, { message: 'Year must be at most 9999.' })
  year!: number;
}

/** A report as the API sends it. */
export interface Report {
  id: string;
  type: 'annual' | 'quarterly';
  year: number;
  createdAt: string;
  summary: { users: number; documents: number; orders: Record<string, number> };
}
