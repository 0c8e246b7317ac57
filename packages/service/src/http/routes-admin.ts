/** /admin/v1: operators' and tests' API, on only when CUTLINE_ADMIN_TOKEN is set (docs/api.md § Admin API). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AmountSchema, CreditTypeSchema, PlanSchema, TeamRoleSchema } from '@cutline/contract/api';
import { text } from '@cutline/contract/text';
import { renewNow } from '../service/accounts/cycles';
import { adminGrant } from '../service/batches/grants';
import { addTeamMember, createTeam } from '../service/accounts/teams';
import { createUser } from '../service/accounts/users';
import { auditNow } from '../service/audit';
import { setMemberRole } from '../service/teams/roles';
import type { Ctx } from '../service/kernel/context';
import { adminAuth } from './admin-auth';
import { parse } from './validate';

const NewUser = z.strictObject({
  email: text().trim().email().max(254),
  password: text().min(8, 'at least 8 characters').max(1024),
  plan: PlanSchema,
  billing: z.enum(['monthly', 'annual']).default('monthly'),
  proUses: z.number().int().min(0).max(100_000).nullable().default(null),
  teamId: text().min(1).max(64).nullable().default(null),
});
const NewTeam = z.strictObject({
  name: text().trim().min(1).max(120),
  creditsPerCycle: z.number().int().min(0).max(100_000_000),
  billing: z.enum(['monthly', 'annual']).default('monthly'),
});
const Member = z.strictObject({ userId: text().min(1).max(64), role: TeamRoleSchema.optional() });
const MemberRole = z.strictObject({ role: TeamRoleSchema });
const MemberParams = z.object({ id: text().min(1).max(64), userId: text().min(1).max(64) });
const Grant = z
  .strictObject({
    userId: text().min(1).max(64).optional(),
    teamId: text().min(1).max(64).optional(),
    type: CreditTypeSchema,
    amount: AmountSchema,
    expiresAt: z.string().datetime({ offset: true }).nullable(),
    source: text().trim().min(1).max(120).default('admin'),
  })
  .refine((g) => (g.userId === undefined) !== (g.teamId === undefined), { message: 'give exactly one of userId or teamId' });
const IdParam = z.object({ id: text().min(1).max(64) });

export async function adminRoutes(app: FastifyInstance, ctx: Ctx, opts: { token: string | null }): Promise<void> {
  if (!opts.token) return; // admin API off: every /admin path is a plain 404
  const token = opts.token;

  app.register(
    async (admin) => {
      admin.addHook('onRequest', adminAuth(token));
      admin.post('/users', async (req, reply) => reply.status(201).send(await createUser(ctx, parse(NewUser, req.body ?? {}))));
      admin.post('/teams', async (req, reply) => {
        const b = parse(NewTeam, req.body ?? {});
        return reply.status(201).send(await createTeam(ctx, b.name, b.creditsPerCycle, b.billing));
      });
      admin.post('/teams/:id/members', async (req, reply) => {
        const { id } = parse(IdParam, req.params, 'path');
        const m = parse(Member, req.body ?? {});
        return reply.status(201).send(await addTeamMember(ctx, id, m.userId, m.role));
      });
      admin.put('/teams/:id/members/:userId', async (req) => {
        const { id, userId } = parse(MemberParams, req.params, 'path');
        return setMemberRole(ctx, id, userId, parse(MemberRole, req.body ?? {}).role);
      });
      admin.post('/grants', async (req, reply) => {
        const g = parse(Grant, req.body ?? {});
        const batch = await adminGrant(ctx, { ...g, expiresAt: g.expiresAt === null ? null : Date.parse(g.expiresAt) });
        return reply.status(201).send(batch);
      });
      // The ledger proves itself: every batch, charge and account recomputed from the entries.
      admin.get('/audit', async () => auditNow(ctx));
      admin.post('/users/:id/renew', async (req) => renewNow(ctx, parse(IdParam, req.params, 'path').id));
    },
    { prefix: '/admin/v1' },
  );
}
