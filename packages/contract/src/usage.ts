/**
 * Where the credits went (docs/api.md § Usage): the project a charge is for, and `GET /v1/usage` /
 * `GET /v1/usage.csv` — captured charges over a period, grouped by tool, member, project or UTC day.
 */
import { z } from 'zod';
import { text } from './text';

/** The project an AI action is for: the desktop sends its open project with every charge. */
export const ChargeProjectSchema = z.strictObject({
  id: text()
    .min(1)
    .max(64)
    .regex(/^\S+$/u, 'visible characters only'),
  name: text().min(1).max(200),
});
export type ChargeProject = z.infer<typeof ChargeProjectSchema>;

export const USAGE_GROUPS = ['tool', 'member', 'project', 'day'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];
export const USAGE_SCOPES = ['me', 'team'] as const;
export type UsageScope = (typeof USAGE_SCOPES)[number];

/** Days a period may span at most. */
export const USAGE_MAX_DAYS = 400;
const DAY_MS = 86_400_000;

const instant = z.string().datetime({ offset: true, message: 'an ISO-8601 date-time, e.g. 2026-11-01T00:00:00Z' });

export const UsageQuerySchema = z
  .object({
    /** Extension: defaults — `to` now, `from` 30 days before `to`, `groupBy` tool. */
    from: instant.optional(),
    to: instant.optional(),
    groupBy: z.enum(USAGE_GROUPS).default('tool'),
    scope: z.enum(USAGE_SCOPES).default('me'),
    /** Extension: only the charges made for this project (its id). */
    project: ChargeProjectSchema.shape.id.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] })
  // One project's cost is read through its own index, so its period has no upper bound.
  .refine((q) => q.project !== undefined || q.from === undefined || q.to === undefined || Date.parse(q.to) - Date.parse(q.from) <= USAGE_MAX_DAYS * DAY_MS, {
    message: `a period spans at most ${USAGE_MAX_DAYS} days (unless it is one project's)`,
    path: ['to'],
  });
export type UsageQuery = z.infer<typeof UsageQuerySchema>;

export const UsageRowSchema = z.object({
  /** The tool id, member id, project id (null: charges made without a project) or `YYYY-MM-DD` (UTC). */
  key: z.string().nullable(),
  label: z.string(),
  credits: z.number().int().nonnegative(),
  actions: z.number().int().nonnegative(),
});
export type UsageRow = z.infer<typeof UsageRowSchema>;

export const UsageSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(USAGE_GROUPS),
  scope: z.enum(USAGE_SCOPES),
  /** Extension: the project filter, when one was asked for. */
  project: z.string().optional(),
  rows: z.array(UsageRowSchema),
  total: z.object({ credits: z.number().int().nonnegative(), actions: z.number().int().nonnegative() }),
});
export type Usage = z.infer<typeof UsageSchema>;

/** The CSV's columns, in order (its header line). */
export const USAGE_CSV_COLUMNS = [
  'captured_at',
  'charge_id',
  'member_email',
  'tool',
  'project_id',
  'project_name',
  'credits',
  'subscription',
  'activity',
  'purchased',
  'pro_uses',
  'device_platform',
  'device_id',
] as const;
