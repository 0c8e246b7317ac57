/**
 * Migration 3: the credits an account holds kept on its row (`users.held`, the sum of its held
 * credit charges, maintained by every charge step in the same transaction); on PostgreSQL, each
 * step of a charge as one server-side function, so a step is one round trip (the call is its own
 * transaction). The functions apply the same rules as the pure `ledger/` does in-process —
 * consumption order (type rank, soonest expiry with permanent last, oldest grant, id), exact
 * expiry, Pro uses first where eligible, a release back to the very batches with an `expire`
 * entry for a batch that expired meanwhile — take the same locks in the same order (the team,
 * then the user, FOR UPDATE), write the same rows and build the same event payload
 * (`{"balance","cause"}`, the SSE data of docs/api.md) that `Journal.commit` builds. The rule and
 * API suites run on both engines and hold both to the same answers. Migrations 4 and 5 replace
 * these functions in part.
 *
 * History: applied once to every database, in version order, and never edited afterwards (a
 * change is the next migration). The list the code runs is db/migrations.ts.
 */
import type { Migration } from '../migrations';

const PG_CHARGE_FUNCTIONS_V3 = `
CREATE FUNCTION cutline_iso(ms BIGINT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(to_timestamp(ms / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
         || '.' || lpad((ms % 1000)::text, 3, '0') || 'Z'
$$;

CREATE FUNCTION cutline_type_rank(t TEXT) RETURNS INTEGER LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE t WHEN 'subscription' THEN 0 WHEN 'activity' THEN 1 ELSE 2 END
$$;

-- The batches an account may spend now, in spending order: its own, and a team member's team
-- subscription batches (liveBatches + spendable).
CREATE FUNCTION cutline_live_batches(p_user TEXT, p_team TEXT, p_now BIGINT) RETURNS SETOF batches LANGUAGE sql STABLE AS $$
  SELECT * FROM (
    SELECT * FROM batches WHERE owner_id = p_user AND remaining > 0 AND (expires_at IS NULL OR expires_at > p_now)
    UNION ALL
    SELECT * FROM batches WHERE p_team IS NOT NULL AND owner_id = p_team AND type = 'subscription'
      AND remaining > 0 AND (expires_at IS NULL OR expires_at > p_now)
  ) b
  ORDER BY cutline_type_rank(b.type), b.expires_at NULLS LAST, b.granted_at, b.id COLLATE "C"
$$;

-- The balance snapshot of docs/api.md (snapshotOf): version, total, held, byType, proUses, batches, nextExpiry.
CREATE FUNCTION cutline_snapshot(u users, p_now BIGINT) RETURNS JSON LANGUAGE sql STABLE AS $$
  WITH live AS (
    SELECT b.*, b.ordinality AS n FROM cutline_live_batches(u.id, u.team_id, p_now) WITH ORDINALITY AS b
  ), nxt AS (
    SELECT min(expires_at) AS at FROM live
  )
  SELECT row_to_json(s) FROM (
    SELECT u.version AS version,
      (SELECT COALESCE(sum(remaining), 0)::bigint FROM live) AS total,
      u.held AS held,
      (SELECT row_to_json(t) FROM (SELECT
         COALESCE(sum(remaining) FILTER (WHERE type = 'subscription'), 0)::bigint AS subscription,
         COALESCE(sum(remaining) FILTER (WHERE type = 'activity'), 0)::bigint AS activity,
         COALESCE(sum(remaining) FILTER (WHERE type = 'purchased'), 0)::bigint AS purchased FROM live) t) AS "byType",
      CASE WHEN u.exchanged <> 0 OR u.pro_uses_per_cycle IS NULL THEN NULL
        ELSE (SELECT row_to_json(p) FROM (SELECT COALESCE(u.pro_uses_remaining, 0) AS remaining, u.pro_uses_per_cycle AS "perCycle") p)
      END AS "proUses",
      COALESCE((SELECT array_to_json(array_agg(w.j ORDER BY w.n)) FROM (
         SELECT l.n, (SELECT row_to_json(x) FROM (SELECT l.id, l.type, l.owner_kind AS scope, l.remaining,
           CASE WHEN l.expires_at IS NULL THEN NULL ELSE cutline_iso(l.expires_at) END AS "expiresAt",
           cutline_iso(l.granted_at) AS "grantedAt", l.source) x) AS j FROM live l) w), '[]'::json) AS batches,
      (SELECT row_to_json(e) FROM (
         SELECT sum(remaining)::bigint AS amount, cutline_iso(nxt.at) AS at FROM live, nxt WHERE live.expires_at = nxt.at
         GROUP BY nxt.at) e) AS "nextExpiry"
  ) s
$$;

-- A ledger entry as the wire shows it (ledgerWire), with the email of its user (member_email).
CREATE FUNCTION cutline_entry_wire(l ledger, p_member_email TEXT) RETURNS JSON LANGUAGE sql STABLE AS $$
  SELECT row_to_json(e) FROM (SELECT 'le_' || l.seq AS id, cutline_iso(l.at) AS at, l.kind, l.amount, l.type,
    l.batch_id AS "batchId", l.charge_id AS "chargeId", l.tool,
    CASE WHEN l.device_id IS NOT NULL AND l.device_platform IS NOT NULL
      THEN (SELECT row_to_json(d) FROM (SELECT l.device_id AS id, l.device_platform AS platform) d) END AS device,
    l.unit,
    CASE WHEN l.charge_id IS NOT NULL AND l.user_id IS NOT NULL AND p_member_email IS NOT NULL
      THEN json_build_object('id', l.user_id, 'email', p_member_email) END AS member) e
$$;

CREATE FUNCTION cutline_ledger_add(c charges, p_scope TEXT, p_kind TEXT, p_amount INTEGER, p_unit TEXT, p_type TEXT, p_batch TEXT, p_now BIGINT)
RETURNS BIGINT LANGUAGE sql AS $$
  INSERT INTO ledger (scope_id, user_id, at, kind, amount, unit, type, batch_id, charge_id, tool, device_id, device_platform)
  VALUES (p_scope, c.user_id, p_now, p_kind, p_amount, p_unit, p_type, p_batch, c.id, c.tool, c.device_id, c.device_platform)
  RETURNING seq
$$;

-- Ledger entries of one movement of a charge (recordMovement): a Pro-use entry, then one per part;
-- a part of the team pool (p_team: the user's team as locked) is in the team's history.
CREATE FUNCTION cutline_movement(c charges, p_team TEXT, p_kind TEXT, p_now BIGINT) RETURNS BIGINT[] LANGUAGE plpgsql AS $$
DECLARE
  seqs BIGINT[] := '{}';
  a RECORD;
BEGIN
  IF c.uses_pro_use = 1 THEN
    seqs := seqs || cutline_ledger_add(c, c.user_id, p_kind, c.pro_uses, 'proUses', NULL, NULL, p_now);
  END IF;
  FOR a IN SELECT al.*, b.owner_kind FROM allocations al LEFT JOIN batches b ON b.id = al.batch_id
    WHERE al.charge_id = c.id ORDER BY al.ord LOOP
    seqs := seqs || cutline_ledger_add(c, CASE WHEN p_team IS NOT NULL AND a.owner_kind = 'team' THEN p_team ELSE c.user_id END,
      p_kind, a.amount, 'credits', a.type, a.batch_id, p_now);
  END LOOP;
  RETURN seqs;
END $$;

-- Journal.commit for a charge step: bump each affected account's version (the user, and every
-- member of its team when the team pool moved: p_team) and the charge's user's held credits by
-- p_held, store its event row (its cause lists the account's own entries and all of its team's
-- pool), return the events.
CREATE FUNCTION cutline_commit(c charges, p_kind TEXT, p_team TEXT, p_seqs BIGINT[], p_held INTEGER, p_now BIGINT,
  OUT ev_users TEXT[], OUT ev_versions BIGINT[], OUT ev_payloads TEXT[]) LANGUAGE plpgsql AS $$
DECLARE
  m users;
  uid TEXT;
  cause_base TEXT;
  cause TEXT;
  wires JSON[];
  users_ TEXT[];
  scopes TEXT[];
  mine JSON[];
  payload TEXT;
BEGIN
  ev_users := '{}'; ev_versions := '{}'; ev_payloads := '{}';
  SELECT json_strip_nulls(row_to_json(k))::text INTO cause_base FROM (SELECT p_kind AS kind, c.id AS "chargeId", c.tool AS tool,
    CASE WHEN c.device_id IS NOT NULL AND c.device_platform IS NOT NULL
      THEN json_build_object('id', c.device_id, 'platform', c.device_platform) END AS device) k;
  SELECT array_agg(cutline_entry_wire(l, mu.email) ORDER BY l.seq), array_agg(l.user_id ORDER BY l.seq), array_agg(l.scope_id ORDER BY l.seq)
    INTO wires, users_, scopes FROM ledger l LEFT JOIN users mu ON mu.id = l.user_id WHERE l.seq = ANY(p_seqs);
  -- In account id order, as Journal.commit bumps them.
  FOR uid IN SELECT id FROM users WHERE id = c.user_id OR (p_team IS NOT NULL AND team_id = p_team) ORDER BY id COLLATE "C" LOOP
    UPDATE users SET version = version + 1, held = held + CASE WHEN id = c.user_id THEN p_held ELSE 0 END
     WHERE id = uid RETURNING * INTO m;
    cause := cause_base;
    SELECT array_agg(x.w ORDER BY x.i) INTO mine FROM unnest(wires, users_, scopes) WITH ORDINALITY AS x(w, uid_, s, i)
     WHERE x.uid_ = m.id OR x.s = m.id OR x.s = m.team_id;
    IF mine IS NOT NULL THEN
      cause := left(cause_base, -1) || ',"entry":' || mine[1]::text || ',"entries":' || array_to_json(mine)::text || '}';
    END IF;
    payload := '{"balance":' || cutline_snapshot(m, p_now)::text || ',"cause":' || cause || '}';
    INSERT INTO events (user_id, version, at, payload) VALUES (m.id, m.version, p_now, payload);
    ev_users := ev_users || m.id;
    ev_versions := ev_versions || m.version;
    ev_payloads := ev_payloads || payload;
  END LOOP;
END $$;

-- Locks the account (its team first, then the user) and returns the user row as locked.
CREATE FUNCTION cutline_lock_account(p_user TEXT) RETURNS users LANGUAGE plpgsql AS $$
DECLARE
  t TEXT;
  u users;
BEGIN
  SELECT team_id INTO t FROM users WHERE id = p_user;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF t IS NOT NULL THEN PERFORM 1 FROM teams WHERE id = t FOR UPDATE; END IF;
  SELECT * INTO u FROM users WHERE id = p_user FOR UPDATE;
  RETURN u;
END $$;

CREATE FUNCTION cutline_parts(p_charge TEXT) RETURNS JSON LANGUAGE sql STABLE AS $$
  SELECT COALESCE(array_to_json(array_agg(row_to_json(p) ORDER BY p.ord)), '[]'::json)
    FROM (SELECT batch_id AS "batchId", type, amount, ord FROM allocations WHERE charge_id = p_charge) p
$$;

-- The result every step returns: what happened, the charge row and its parts, the caller's
-- balance when no event carries it, the available credits of a refused hold, and the events.
CREATE TYPE cutline_step AS (
  outcome TEXT, charge JSON, parts JSON, balance JSON, available BIGINT,
  ev_users TEXT[], ev_versions BIGINT[], ev_payloads TEXT[]
);

-- Holds the cost of one action (charges.hold): idempotent per (user, key); 'mismatch' for the
-- same key with another request; 'insufficient' (nothing written) when the credits do not cover it.
CREATE FUNCTION cutline_hold(p_user TEXT, p_key TEXT, p_hash TEXT, p_id TEXT, p_tool TEXT, p_quantity INTEGER,
  p_cost INTEGER, p_eligible BOOLEAN, p_device_id TEXT, p_platform TEXT, p_hold_expires BIGINT, p_now BIGINT)
RETURNS cutline_step LANGUAGE plpgsql AS $$
DECLARE
  r cutline_step;
  u users;
  c charges;
  b RECORD;
  pro BOOLEAN;
  left_ INTEGER := p_cost;
  avail BIGINT := 0;
  take INTEGER;
  ids TEXT[] := '{}';
  types TEXT[] := '{}';
  takes INTEGER[] := '{}';
  team_moved BOOLEAN := false;
  n INTEGER;
BEGIN
  u := cutline_lock_account(p_user);
  IF u.id IS NULL THEN r.outcome := 'no_user'; RETURN r; END IF;
  SELECT * INTO c FROM charges WHERE user_id = p_user AND idem_key = p_key;
  IF FOUND THEN
    IF c.request_hash <> p_hash THEN r.outcome := 'mismatch'; RETURN r; END IF;
    r.outcome := 'replayed'; r.charge := row_to_json(c); r.parts := cutline_parts(c.id);
    r.balance := cutline_snapshot(u, p_now);
    RETURN r;
  END IF;
  pro := COALESCE(u.exchanged = 0 AND u.pro_uses_remaining IS NOT NULL AND p_eligible AND u.pro_uses_remaining >= p_quantity, false);
  IF NOT pro THEN
    -- allocate(): the plan over the live batches in spending order, under the account's lock.
    FOR b IN SELECT id, type, remaining, owner_kind FROM cutline_live_batches(u.id, u.team_id, p_now) LOOP
      avail := avail + b.remaining;
      CONTINUE WHEN left_ = 0;
      take := least(left_, b.remaining);
      ids := ids || b.id; types := types || b.type; takes := takes || take;
      team_moved := team_moved OR b.owner_kind = 'team';
      left_ := left_ - take;
    END LOOP;
    IF left_ > 0 THEN r.outcome := 'insufficient'; r.available := avail; RETURN r; END IF;
  END IF;
  INSERT INTO charges (id, user_id, idem_key, request_hash, tool, quantity, cost, uses_pro_use, pro_uses, status,
    release_reason, hold_expires_at, created_at, settled_at, device_id, device_platform)
  VALUES (p_id, p_user, p_key, p_hash, p_tool, p_quantity, p_cost, CASE WHEN pro THEN 1 ELSE 0 END,
    CASE WHEN pro THEN p_quantity ELSE 0 END, 'held', NULL, p_hold_expires, p_now, NULL, p_device_id, p_platform)
  RETURNING * INTO c;
  IF pro THEN
    UPDATE users SET pro_uses_remaining = pro_uses_remaining - p_quantity WHERE id = p_user;
  ELSIF array_length(ids, 1) > 0 THEN
    -- Every part from its batch (distinct batches); a batch left short would be a change under the lock.
    UPDATE batches SET remaining = remaining - v.take FROM unnest(ids, takes) AS v(id, take)
     WHERE batches.id = v.id AND batches.remaining >= v.take;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n <> array_length(ids, 1) THEN RAISE EXCEPTION 'batches % changed under a locked hold', ids; END IF;
    INSERT INTO allocations (charge_id, batch_id, type, amount, ord)
      SELECT p_id, v.id, v.type, v.take, v.ord - 1 FROM unnest(ids, types, takes) WITH ORDINALITY AS v(id, type, take, ord);
  END IF;
  SELECT x.* INTO r.ev_users, r.ev_versions, r.ev_payloads
    FROM cutline_commit(c, 'hold', CASE WHEN team_moved THEN u.team_id END, cutline_movement(c, u.team_id, 'hold', p_now),
      CASE WHEN pro THEN 0 ELSE p_cost END, p_now) x;
  r.outcome := 'ok'; r.charge := row_to_json(c); r.parts := cutline_parts(c.id);
  RETURN r;
END $$;

-- The user's team when the charge drew from its pool (its movements touch every member), else NULL.
CREATE FUNCTION cutline_pool_team(u users, c charges) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT u.team_id WHERE u.team_id IS NOT NULL AND EXISTS (SELECT 1 FROM allocations al JOIN batches b ON b.id = al.batch_id
    WHERE al.charge_id = c.id AND b.owner_kind = 'team')
$$;

-- settleRelease: every part back to its batch (a batch that expired meanwhile gets it back and
-- an 'expire' entry at once), Pro uses back to the quota (never above one cycle's worth). The
-- event's cause kind is the step's (p_cause: a capture that found its hold lapsed says 'capture').
CREATE FUNCTION cutline_settle_release(u users, c charges, p_reason TEXT, p_cause TEXT, p_now BIGINT) RETURNS cutline_step LANGUAGE plpgsql AS $$
DECLARE
  r cutline_step;
  e RECORD;
  seqs BIGINT[];
BEGIN
  IF c.uses_pro_use = 1 THEN
    UPDATE users SET pro_uses_remaining = CASE WHEN pro_uses_remaining + c.pro_uses > pro_uses_per_cycle
      THEN pro_uses_per_cycle ELSE pro_uses_remaining + c.pro_uses END WHERE id = u.id AND exchanged = 0;
  END IF;
  UPDATE batches b SET remaining = b.remaining + al.amount FROM allocations al
   WHERE al.charge_id = c.id AND b.id = al.batch_id AND NOT (b.expires_at IS NOT NULL AND b.expires_at <= p_now);
  UPDATE charges SET status = CASE WHEN p_reason = 'expired' THEN 'expired' ELSE 'released' END,
    release_reason = p_reason, settled_at = p_now WHERE id = c.id AND status = 'held' RETURNING * INTO c;
  seqs := cutline_movement(c, u.team_id, 'release', p_now);
  FOR e IN SELECT al.amount, al.type, al.batch_id FROM allocations al JOIN batches b ON b.id = al.batch_id
    WHERE al.charge_id = c.id AND b.expires_at IS NOT NULL AND b.expires_at <= p_now ORDER BY al.ord LOOP
    seqs := seqs || cutline_ledger_add(c, c.user_id, 'expire', e.amount, 'credits', e.type, e.batch_id, p_now);
  END LOOP;
  SELECT x.* INTO r.ev_users, r.ev_versions, r.ev_payloads
    FROM cutline_commit(c, p_cause, cutline_pool_team(u, c), seqs,
      CASE WHEN c.uses_pro_use = 1 THEN 0 ELSE -c.cost END, p_now) x;
  r.charge := row_to_json(c); r.parts := cutline_parts(c.id);
  RETURN r;
END $$;

-- charges.capture: 'ok' (captured now, or already), 'lapsed' (released or expired; a hold that
-- lapsed is released here first and that is committed), 'no_user', 'no_charge'.
CREATE FUNCTION cutline_capture(p_user TEXT, p_charge TEXT, p_now BIGINT) RETURNS cutline_step LANGUAGE plpgsql AS $$
DECLARE
  r cutline_step;
  u users;
  c charges;
BEGIN
  u := cutline_lock_account(p_user);
  IF u.id IS NULL THEN r.outcome := 'no_user'; RETURN r; END IF;
  SELECT * INTO c FROM charges WHERE id = p_charge AND user_id = p_user;
  IF NOT FOUND THEN r.outcome := 'no_charge'; RETURN r; END IF;
  IF c.status = 'held' AND c.hold_expires_at <= p_now THEN
    r := cutline_settle_release(u, c, 'expired', 'capture', p_now);
    r.outcome := 'lapsed';
    RETURN r;
  END IF;
  IF c.status IN ('released', 'expired') THEN
    r.outcome := 'lapsed'; r.charge := row_to_json(c); r.parts := cutline_parts(c.id);
    RETURN r;
  END IF;
  IF c.status = 'held' THEN
    UPDATE charges SET status = 'captured', settled_at = p_now WHERE id = c.id RETURNING * INTO c;
    SELECT x.* INTO r.ev_users, r.ev_versions, r.ev_payloads
      FROM cutline_commit(c, 'capture', cutline_pool_team(u, c), cutline_movement(c, u.team_id, 'capture', p_now),
        CASE WHEN c.uses_pro_use = 1 THEN 0 ELSE -c.cost END, p_now) x;
  ELSE
    r.balance := cutline_snapshot(u, p_now);
  END IF;
  r.outcome := 'ok'; r.charge := row_to_json(c); r.parts := cutline_parts(c.id);
  RETURN r;
END $$;

-- charges.release: 'ok' (released now — as 'expired' when its hold lapsed — or already settled),
-- 'captured' (refused, nothing written), 'no_user', 'no_charge'.
CREATE FUNCTION cutline_release(p_user TEXT, p_charge TEXT, p_reason TEXT, p_now BIGINT) RETURNS cutline_step LANGUAGE plpgsql AS $$
DECLARE
  r cutline_step;
  u users;
  c charges;
BEGIN
  u := cutline_lock_account(p_user);
  IF u.id IS NULL THEN r.outcome := 'no_user'; RETURN r; END IF;
  SELECT * INTO c FROM charges WHERE id = p_charge AND user_id = p_user;
  IF NOT FOUND THEN r.outcome := 'no_charge'; RETURN r; END IF;
  IF c.status = 'captured' THEN
    r.outcome := 'captured'; r.charge := row_to_json(c); r.parts := cutline_parts(c.id);
    RETURN r;
  END IF;
  IF c.status = 'held' THEN
    r := cutline_settle_release(u, c, CASE WHEN c.hold_expires_at <= p_now THEN 'expired' ELSE p_reason END, 'release', p_now);
  ELSE
    r.charge := row_to_json(c); r.parts := cutline_parts(c.id);
    r.balance := cutline_snapshot(u, p_now);
  END IF;
  r.outcome := 'ok';
  RETURN r;
END $$;

-- charges.quote (read only): the caller's balance and the plan the hold would take now.
CREATE FUNCTION cutline_quote(p_user TEXT, p_quantity INTEGER, p_cost INTEGER, p_eligible BOOLEAN, p_now BIGINT)
RETURNS cutline_step LANGUAGE plpgsql STABLE AS $$
DECLARE
  r cutline_step;
  u users;
  b RECORD;
  left_ INTEGER := p_cost;
  avail BIGINT := 0;
  take INTEGER;
  parts JSON[] := '{}';
BEGIN
  SELECT * INTO u FROM users WHERE id = p_user;
  IF NOT FOUND THEN r.outcome := 'no_user'; RETURN r; END IF;
  r.balance := cutline_snapshot(u, p_now);
  IF u.exchanged = 0 AND u.pro_uses_remaining IS NOT NULL AND p_eligible AND u.pro_uses_remaining >= p_quantity THEN
    r.outcome := 'pro_uses'; r.parts := '[]'::json;
    RETURN r;
  END IF;
  FOR b IN SELECT id, type, remaining FROM cutline_live_batches(u.id, u.team_id, p_now) LOOP
    avail := avail + b.remaining;
    CONTINUE WHEN left_ = 0;
    take := least(left_, b.remaining);
    parts := parts || json_build_object('type', b.type, 'batchId', b.id, 'amount', take);
    left_ := left_ - take;
  END LOOP;
  r.outcome := CASE WHEN left_ = 0 THEN 'covered' ELSE 'short' END;
  r.parts := array_to_json(parts);
  r.available := avail;
  RETURN r;
END $$;
`;

export const migration: Migration = {
  version: 3,
  name: 'held credits kept with the account; PostgreSQL: one function per charge step (hold, capture, release, quote)',
  // users.held = SUM(cost) of the account's held credit charges, maintained by every charge step
  // in the same transaction. SQLite runs the steps in-process (service/charges/steps.ts).
  sql: (d) => `
ALTER TABLE users ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
UPDATE users SET held = (SELECT COALESCE(SUM(cost), 0) FROM charges
  WHERE charges.user_id = users.id AND status = 'held' AND uses_pro_use = 0);
${d === 'postgres' ? PG_CHARGE_FUNCTIONS_V3 : ''}`,
};
