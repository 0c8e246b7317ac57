/**
 * The wire contract of the credit service (docs/api.md), as zod schemas.
 * Both the service (to validate input and shape output) and the desktop core (to validate what
 * it receives) import these; types are inferred, never written twice.
 */
import { z } from 'zod';
import { CREDIT_TYPES, HANDOFF_PATHS, LEDGER_KINDS, LIMIT_REQUEST_STATUSES, PLANS, PLATFORMS, TEAM_ROLES } from './credit-types';
import { text } from './text';
import { ChargeProjectSchema } from './usage';

export const CreditTypeSchema = z.enum(CREDIT_TYPES);
export const PlatformSchema = z.enum(PLATFORMS);
export const PlanSchema = z.enum(PLANS);
export const LedgerKindSchema = z.enum(LEDGER_KINDS);

const isoDate = z.string().datetime({ offset: true });
const id = text().min(1).max(128);

/** A positive safe integer amount of credits. */
export const AmountSchema = z.number().int().positive().max(1_000_000_000);

export const DeviceSchema = z.object({
  id: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'visible ASCII only'),
  platform: PlatformSchema,
});
export type Device = z.infer<typeof DeviceSchema>;

export const BatchSchema = z.object({
  id,
  type: CreditTypeSchema,
  scope: z.enum(['user', 'team']),
  remaining: z.number().int().nonnegative(),
  expiresAt: isoDate.nullable(),
  grantedAt: isoDate,
  source: z.string(),
});
export type Batch = z.infer<typeof BatchSchema>;

export const ProUsesSchema = z.object({
  remaining: z.number().int().nonnegative(),
  perCycle: z.number().int().nonnegative(),
});

/** A member's limit on the team pool this cycle: `remaining` = max(0, credits − used − held). */
export const MemberLimitSchema = z.object({
  credits: z.number().int().nonnegative(),
  /** Pool credits this member's charges captured in the team's current cycle. */
  used: z.number().int().nonnegative(),
  /** Pool credits this member's open holds hold now. */
  held: z.number().int().nonnegative(),
  remaining: z.number().int().nonnegative(),
});
export type MemberLimit = z.infer<typeof MemberLimitSchema>;

export const BalanceSnapshotSchema = z.object({
  version: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  held: z.number().int().nonnegative(),
  byType: z.object({
    subscription: z.number().int().nonnegative(),
    activity: z.number().int().nonnegative(),
    purchased: z.number().int().nonnegative(),
  }),
  proUses: ProUsesSchema.nullable(),
  batches: z.array(BatchSchema),
  nextExpiry: z.object({ amount: z.number().int().nonnegative(), at: isoDate }).nullable(),
  /**
   * A team member's limit on the pool (docs/api.md § Teams); null without one. With a limit,
   * `total` and `byType.subscription` count at most `limit.remaining` of the pool.
   */
  limit: MemberLimitSchema.nullable().optional(),
});
export type BalanceSnapshot = z.infer<typeof BalanceSnapshotSchema>;

// ---- teams: roles, per-member limits on the pool, limit requests (docs/api.md § Teams) --------

export const TeamRoleSchema = z.enum(TEAM_ROLES);


/** The team as `GET /v1/me` names it. */
export const MeTeamSchema = z.object({ id, name: z.string(), role: TeamRoleSchema });

export const MeSchema = z.object({
  id,
  email: z.string(),
  plan: PlanSchema,
  teamId: z.string().nullable(),
  /** The caller's team, its name and their role in it. */
  team: MeTeamSchema.nullable(),
  proUses: ProUsesSchema.nullable(),
  exchanged: z.boolean(),
  cycleEndsAt: isoDate.nullable(),
});
export type Me = z.infer<typeof MeSchema>;

export const TeamMemberSchema = z.object({
  id,
  email: z.string(),
  role: TeamRoleSchema,
  limit: MemberLimitSchema.nullable(),
  /** Pool credits this member's charges captured this cycle. */
  spent: z.number().int().nonnegative(),
  /** Extension (docs/api.md § Teams): pool credits this member's open holds hold now, with or without a limit. */
  held: z.number().int().nonnegative(),
});
export type TeamMember = z.infer<typeof TeamMemberSchema>;

export const TeamSchema = z.object({
  id,
  name: z.string(),
  creditsPerCycle: z.number().int().nonnegative(),
  cycleEndsAt: isoDate,
  /** The caller's role. */
  role: TeamRoleSchema,
  pool: z.object({ remaining: z.number().int().nonnegative(), held: z.number().int().nonnegative() }),
  /** Every member for a team admin; only the caller's own entry otherwise. */
  members: z.array(TeamMemberSchema),
});
export type Team = z.infer<typeof TeamSchema>;

export const LimitRequestSchema = z.object({
  id,
  userId: z.string(),
  email: z.string(),
  credits: z.number().int().positive(),
  note: z.string().nullable(),
  status: z.enum(LIMIT_REQUEST_STATUSES),
  createdAt: isoDate,
  decidedAt: isoDate.nullable(),
  /** The team admin who approved or denied it (their user id). */
  decidedBy: z.string().nullable(),
});
export type LimitRequest = z.infer<typeof LimitRequestSchema>;

/** `PUT /v1/team/members/:userId/limit`: `null` removes the limit. */
export const SetLimitRequestSchema = z.strictObject({
  credits: z.number().int().min(0).max(1_000_000_000).nullable(),
});
export const NewLimitRequestSchema = z.strictObject({
  credits: AmountSchema,
  note: text().max(500).optional(),
});
export const LimitRequestQuerySchema = z.object({
  status: z.enum(LIMIT_REQUEST_STATUSES).optional(),
});

export const ToolSchema = z.object({
  id: z.string(),
  name: z.string(),
  cost: z.number().int().positive(),
  eligibleForProUses: z.boolean(),
});
export type Tool = z.infer<typeof ToolSchema>;

export const LedgerEntrySchema = z.object({
  id,
  at: isoDate,
  kind: LedgerKindSchema,
  amount: z.number().int(),
  /** Credit type; null for a Pro-use movement (extension: see `unit`). */
  type: CreditTypeSchema.nullable(),
  batchId: z.string().nullable(),
  chargeId: z.string().nullable(),
  tool: z.string().nullable(),
  device: DeviceSchema.nullable(),
  /** Extension (docs/api.md § Account and balance): what `amount` counts — credits, or Pro uses. */
  unit: z.enum(['credits', 'proUses']),
  /** Extension (docs/api.md § Account and balance): who caused a charge's movement; null for grants, purchases, exchanges, expiries. */
  member: z.object({ id: z.string(), email: z.string() }).nullable().optional(),
  /** Extension (docs/api.md § Usage): the project of the charge this entry moved, when it had one. */
  project: z.object({ id: z.string(), name: z.string() }).optional(),
  /**
   * Extension (docs/api.md § Usage): why a charge's credits came back — on its `release` entries,
   * and on the `expire` entries of a part whose batch had expired meanwhile (it went back and expired with it).
   */
  reason: z.enum(['failed', 'cancelled', 'expired']).optional(),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

export const LedgerPageSchema = z.object({
  entries: z.array(LedgerEntrySchema),
  next: z.string().nullable(),
});
export type LedgerPage = z.infer<typeof LedgerPageSchema>;

export const AllocationSchema = z.object({
  type: CreditTypeSchema,
  batchId: z.string(),
  amount: z.number().int().positive(),
});
export type Allocation = z.infer<typeof AllocationSchema>;

export const ChargeStatusSchema = z.enum(['held', 'captured', 'released', 'expired']);

export const ChargeSchema = z.object({
  id,
  status: ChargeStatusSchema,
  tool: z.string(),
  quantity: z.number().int().positive(),
  cost: z.number().int().nonnegative(),
  usesProUse: z.boolean(),
  allocation: z.array(AllocationSchema),
  holdExpiresAt: isoDate,
  createdAt: isoDate,
  device: DeviceSchema.nullable(),
  /** Why a released charge was released (failed, cancelled, or expired for a lapsed hold). */
  releaseReason: z.enum(['failed', 'cancelled', 'expired']).nullable(),
  /** The project the charge was made for (only when the request named one). */
  project: z.object({ id: z.string(), name: z.string() }).optional(),
});
export type Charge = z.infer<typeof ChargeSchema>;

export const ChargeResponseSchema = z.object({ charge: ChargeSchema, balance: BalanceSnapshotSchema });
export type ChargeResponse = z.infer<typeof ChargeResponseSchema>;

export const QuoteResponseSchema = z.object({
  cost: z.number().int().nonnegative(),
  covered: z.boolean(),
  usesProUse: z.boolean(),
  plan: z.array(AllocationSchema),
  balance: BalanceSnapshotSchema,
});
export type QuoteResponse = z.infer<typeof QuoteResponseSchema>;

// ---- request bodies -------------------------------------------------------------------------

export const QuantitySchema = z.number().int().min(1).max(100);
export const ToolIdSchema = text().min(1).max(64);

/** The most credits a charge may take from the caller's own (`scope: "user"`) batches: what they agreed to. */
export const PersonalCapSchema = z.number().int().min(0).max(1_000_000_000);

export const QuoteRequestSchema = z.strictObject({
  tool: ToolIdSchema,
  quantity: QuantitySchema.default(1),
  personalCap: PersonalCapSchema.optional(),
});
export const ChargeRequestSchema = z.strictObject({
  tool: ToolIdSchema,
  quantity: QuantitySchema.default(1),
  device: DeviceSchema,
  personalCap: PersonalCapSchema.optional(),
  project: ChargeProjectSchema.optional(),
});
export type ChargeRequest = z.infer<typeof ChargeRequestSchema>;

/** A charge id as clients send it back (capture, release). */
export const ChargeIdSchema = z.string().min(1).max(128);

export const ReleaseRequestSchema = z.strictObject({
  reason: z.enum(['failed', 'cancelled']),
});

/** 1–128 visible ASCII characters (docs/api.md § Charges). */
export const IdempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,128}$/);

export const HandoffPathSchema = z.enum(HANDOFF_PATHS);
/** A browser host's loopback page that delivers *Return to Cutline* links (extension). */
export const LOOPBACK_RETURN = /^http:\/\/127\.0\.0\.1:([1-9][0-9]{0,4})\/return$/;
export const HandoffRequestSchema = z.strictObject({
  next: HandoffPathSchema.default('/credits'),
  returnTo: z.string().regex(LOOPBACK_RETURN, 'returnTo must be http://127.0.0.1:<port>/return').optional(),
});
export const HandoffResponseSchema = z.object({ url: z.string().url() });

/**
 * Extension (docs/api.md § Store orders): `GET /v1/orders/:id`, one of the caller's own store orders —
 * how the desktop checks a `cutline://store/complete?order=…` link before saying "purchase
 * complete". Payment is simulated, so a placed order is always `completed`.
 */
export const OrderSchema = z.object({
  id,
  status: z.literal('completed'),
  pack: z.string(),
  credits: z.number().int().positive(),
  priceCents: z.number().int().nonnegative(),
  createdAt: isoDate,
  /** When the purchased batch the order granted expires. */
  expiresAt: isoDate.nullable(),
});
export type OrderWire = z.infer<typeof OrderSchema>;

export const TokenResponseSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().positive(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

/** One ledger page holds 1–200 entries. */
export const LedgerLimitSchema = z.number().int().min(1).max(200);
export const LedgerQuerySchema = z.object({
  limit: z.coerce.number().pipe(LedgerLimitSchema).default(50),
  before: text().min(1).max(64).optional(),
});

// ---- events ---------------------------------------------------------------------------------

export const EventCauseSchema = z.object({
  kind: z.string(),
  chargeId: z.string().optional(),
  tool: z.string().optional(),
  device: DeviceSchema.optional(),
  entry: LedgerEntrySchema.optional(),
  /**
   * Extension (docs/api.md § Real-time push): every ledger entry of the change that this account's history
   * lists — a charge drawn from several batches writes one entry per batch; `entry` is the first.
   */
  entries: z.array(LedgerEntrySchema).optional(),
  /**
   * Extension (docs/api.md § Real-time push): the change also changed the account itself — its
   * plan, team, Pro uses per cycle or cycle dates (what `GET /v1/me` answers) — so a client reloads
   * `/v1/me`. Upgrades, exchanges, joining a team and cycle renewals.
   */
  account: z.literal(true).optional(),
  /**
   * `kind: "limit_request"`: the request that was made, approved or denied (docs/api.md § Teams).
   */
  request: LimitRequestSchema.optional(),
});
export type EventCause = z.infer<typeof EventCauseSchema>;

export const BalanceEventSchema = z.object({ balance: BalanceSnapshotSchema, cause: EventCauseSchema });
export type BalanceEvent = z.infer<typeof BalanceEventSchema>;

// ---- errors ---------------------------------------------------------------------------------

export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'insufficient_credits',
  'idempotency_mismatch',
  'rate_limited',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorBodySchema = z
  .object({
    error: z.string(),
    message: z.string(),
  })
  .passthrough();

/**
 * Extension (docs/api.md § Charges): which case a capture's or a release's 409 `conflict` is —
 * the capture of a hold that expired (its credits went back), the capture of a released charge,
 * the release of a captured one. The `error` stays `conflict`.
 */
export const CHARGE_CONFLICT_REASONS = ['hold_expired', 'charge_released', 'charge_captured'] as const;
export type ChargeConflictReason = (typeof CHARGE_CONFLICT_REASONS)[number];

export const ChargeConflictSchema = z.object({
  error: z.literal('conflict'),
  message: z.string(),
  reason: z.enum(CHARGE_CONFLICT_REASONS),
});

/**
 * Why a hold was refused (docs/api.md § Teams): the member's limit on the pool (the pool alone had
 * enough), not enough credits at all, or more of the caller's own credits than `personalCap` allows.
 */
export const INSUFFICIENT_REASONS = ['member_limit', 'insufficient', 'personal_cap'] as const;
export type InsufficientReason = (typeof INSUFFICIENT_REASONS)[number];

export const InsufficientCreditsSchema = z.object({
  error: z.literal('insufficient_credits'),
  message: z.string(),
  cost: z.number().int(),
  available: z.number().int(),
  storeUrl: z.string(),
  reason: z.enum(INSUFFICIENT_REASONS).optional(),
});
