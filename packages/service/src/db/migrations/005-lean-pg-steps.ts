/**
 * Migration 5 (PostgreSQL only): the charge step functions of migrations 3 and 4, lean. Where
 * the time went (the bench's charge, hold + capture over 3 batches, ~2.2 ms of PostgreSQL time
 * per charge before; timed per call with track_functions):
 * the helpers written as SQL functions PostgreSQL cannot inline (`cutline_snapshot`,
 * `cutline_entry_wire`, `cutline_parts`, `cutline_pool_team`, `cutline_ledger_add`, and
 * `cutline_iso`: declared IMMUTABLE over the STABLE `to_char`) are planned again in every
 * transaction or call; the ledger entries were one INSERT each, read back by seq and joined to
 * `users` for an email the step already holds; the JSON was built as `json` values, printed and
 * parsed again. Now every statement is PL/pgSQL's own (planned once per connection), a movement's
 * entries are one INSERT … SELECT in spending order (seq follows it) whose RETURNING gives their
 * wire text in the same statement, with the hold's allocations and batch updates in it too; the
 * snapshot is one statement; the event texts are concatenated (`to_json(text)` escapes strings
 * exactly as `row_to_json` does) and the charge's own account takes every entry without a search.
 * Results, locks (team, then user; members in id order), rows and event bytes are unchanged.
 *
 * History: applied once to every database, in version order, and never edited afterwards (a
 * change is the next migration). The list the code runs is db/migrations.ts.
 */
import type { Migration } from '../migrations';

/** cutline_iso, inlined: `ms` (BIGINT) as ISO 8601 UTC with milliseconds, as `Date.toISOString`. */
const iso = (ms: string) =>
  `(to_char(to_timestamp((${ms}) / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '.' || lpad(((${ms}) % 1000)::text, 3, '0') || 'Z')`;

/** A JSON value's text: a string (or null) as `row_to_json` writes it. */
const str = (x: string) => `COALESCE(to_json((${x})::text)::text, 'null')`;

/** The live batches of account (`u`, `team`) at `now` (cutline_live_batches, inlined; unordered). */
const liveBatches = (u: string, team: string, now: string) => `(
      SELECT * FROM batches WHERE owner_id = ${u} AND remaining > 0 AND (expires_at IS NULL OR expires_at > ${now})
      UNION ALL
      SELECT * FROM batches WHERE ${team} IS NOT NULL AND owner_id = ${team} AND type = 'subscription'
        AND remaining > 0 AND (expires_at IS NULL OR expires_at > ${now}))`;

/** The spending order of batch rows `b` (consumption order: type rank, soonest expiry with permanent last, oldest grant, id). */
const spendingOrder = (b: string) => `cutline_type_rank(${b}.type), ${b}.expires_at NULLS LAST, ${b}.granted_at, ${b}.id COLLATE "C"`;

/** The wire text of ledger row `l` (ledgerWire; cutline_entry_wire's bytes) whose user's email is `email`. */
const entryWire = (l: string, email: string) => `('{"id":"le_' || ${l}.seq || '","at":"' || ${iso(`${l}.at`)} || '","kind":' || ${str(`${l}.kind`)}
    || ',"amount":' || ${l}.amount || ',"type":' || ${str(`${l}.type`)} || ',"batchId":' || ${str(`${l}.batch_id`)}
    || ',"chargeId":' || ${str(`${l}.charge_id`)} || ',"tool":' || ${str(`${l}.tool`)} || ',"device":'
    || CASE WHEN ${l}.device_id IS NOT NULL AND ${l}.device_platform IS NOT NULL
         THEN '{"id":' || ${str(`${l}.device_id`)} || ',"platform":' || ${str(`${l}.device_platform`)} || '}' ELSE 'null' END
    || ',"unit":' || ${str(`${l}.unit`)} || ',"member":'
    || CASE WHEN ${l}.charge_id IS NOT NULL AND ${l}.user_id IS NOT NULL AND ${email} IS NOT NULL
         THEN '{"id":' || ${str(`${l}.user_id`)} || ',"email":' || ${str(email)} || '}' ELSE 'null' END || '}')`;

/**
 * The tail of a movement's statement: CTE `mv` (grp, ord, scope, kind, amount, unit, type,
 * batch_id) lists charge `c`'s entries; they are inserted in (grp, ord) order — seq follows it —
 * and their wire texts, seqs and scopes (in seq order) are selected INTO wires, seqs, scopes and
 * whatever `more` adds (", expr … INTO …, var").
 */
const insertEntries = (more = { exprs: '', into: '' }) => `
  led AS (
    INSERT INTO ledger (scope_id, user_id, at, kind, amount, unit, type, batch_id, charge_id, tool, device_id, device_platform)
    SELECT mv.scope, c.user_id, p_now, mv.kind, mv.amount, mv.unit, mv.type, mv.batch_id, c.id, c.tool, c.device_id, c.device_platform
      FROM mv ORDER BY mv.grp, mv.ord
    RETURNING *)
  SELECT array_agg(${entryWire('led', 'u.email')} ORDER BY led.seq), array_agg(led.seq ORDER BY led.seq), array_agg(led.scope_id ORDER BY led.seq)${more.exprs}
    INTO wires, seqs, scopes${more.into} FROM led`;

/** The parts of a charge (cutline_parts' JSON) from rows `a` (batch_id, type, amount, ord) of `from`. */
const partsOf = (a: string, from: string) => `COALESCE((SELECT array_to_json(array_agg(row_to_json(p) ORDER BY p.ord))
    FROM (SELECT ${a}.batch_id AS "batchId", ${a}.type, ${a}.amount, ${a}.ord FROM ${from}) p), '[]'::json)`;

/** A capture's or release's entries need the charge's allocations and the owner and expiry of their batches. */
const allocationsOf = `SELECT al.batch_id, al.type, al.amount, al.ord, b.owner_kind, (b.expires_at IS NOT NULL AND b.expires_at <= p_now) AS gone
      FROM allocations al LEFT JOIN batches b ON b.id = al.batch_id WHERE al.charge_id = c.id`;

/** The settling entries (kind `kind`): the Pro use back or spent, then every part (a pool part in the team's history). */
const settleEntries = (kind: string) => `
    SELECT 0 AS grp, 0 AS ord, c.user_id AS scope, '${kind}'::text AS kind, c.pro_uses AS amount, 'proUses'::text AS unit,
      NULL::text AS type, NULL::text AS batch_id WHERE c.uses_pro_use = 1
    UNION ALL
    SELECT 1, a.ord, CASE WHEN u.team_id IS NOT NULL AND a.owner_kind = 'team' THEN u.team_id ELSE c.user_id END,
      '${kind}', a.amount, 'credits', a.type, a.batch_id FROM a`;

/** A settle's extra outputs: whether the team pool moved, and the parts. */
const poolAndParts = {
  exprs: `, (SELECT COALESCE(bool_or(a.owner_kind = 'team'), false) FROM a), ${partsOf('a', 'a')}`,
  into: ', pool, r.parts',
};

/** The live batches of an account outside a team (`u`) at `now`. */
const ownBatches = (u: string, now: string) =>
  `(SELECT * FROM batches WHERE owner_id = ${u} AND remaining > 0 AND (expires_at IS NULL OR expires_at > ${now}))`;

/** The snapshot's JSON text (snapshotOf) of account row `u` over its live batches `live` (a subquery). */
const snapshotOf = (u: string, live: string) => `
    SELECT '{"version":' || ${u}.version || ',"total":' || COALESCE(sum(x.remaining), 0) || ',"held":' || ${u}.held
      || ',"byType":{"subscription":' || COALESCE(sum(x.remaining) FILTER (WHERE x.type = 'subscription'), 0)
      || ',"activity":' || COALESCE(sum(x.remaining) FILTER (WHERE x.type = 'activity'), 0)
      || ',"purchased":' || COALESCE(sum(x.remaining) FILTER (WHERE x.type = 'purchased'), 0)
      || '},"proUses":' || CASE WHEN ${u}.exchanged <> 0 OR ${u}.pro_uses_per_cycle IS NULL THEN 'null'
           ELSE '{"remaining":' || COALESCE(${u}.pro_uses_remaining, 0) || ',"perCycle":' || ${u}.pro_uses_per_cycle || '}' END
      || ',"batches":[' || COALESCE(string_agg(x.j, ',' ORDER BY ${spendingOrder('x')}), '')
      || '],"nextExpiry":' || COALESCE('{"amount":' || sum(x.remaining) FILTER (WHERE x.expires_at = x.next_at)
           || ',"at":"' || ${iso('min(x.next_at)')} || '"}', 'null')
      || '}'
    FROM (SELECT lb.*, min(lb.expires_at) OVER () AS next_at,
        '{"id":' || ${str('lb.id')} || ',"type":' || ${str('lb.type')} || ',"scope":' || ${str('lb.owner_kind')}
        || ',"remaining":' || lb.remaining || ',"expiresAt":'
        || CASE WHEN lb.expires_at IS NULL THEN 'null' ELSE '"' || ${iso('lb.expires_at')} || '"' END
        || ',"grantedAt":"' || ${iso('lb.granted_at')} || '","source":' || ${str('lb.source')} || '}' AS j
      FROM ${live} lb) x`;

/**
 * cutline_lock_account, inlined into a step (PL/pgSQL variables u users, t TEXT, r cutline_step):
 * the team (learnt from a plain read) locked first, then the user; 'no_user' when there is none.
 */
const lockAccount = `
  SELECT team_id INTO t FROM users WHERE id = p_user;
  IF NOT FOUND THEN r.outcome := 'no_user'; RETURN r; END IF;
  IF t IS NOT NULL THEN PERFORM 1 FROM teams WHERE id = t FOR UPDATE; END IF;
  SELECT * INTO u FROM users WHERE id = p_user FOR UPDATE;
  IF u.id IS NULL THEN r.outcome := 'no_user'; RETURN r; END IF;`;
const PG_CHARGE_FUNCTIONS_V5 = `
-- The balance snapshot's JSON text (snapshotOf; the bytes cutline_snapshot wrote): one statement.
CREATE FUNCTION cutline_snapshot_text(u users, p_now BIGINT) RETURNS TEXT LANGUAGE plpgsql STABLE AS $$
BEGIN
  -- An account outside a team reads its own batches only (a simpler plan: the common case).
  IF u.team_id IS NULL THEN
    RETURN (${snapshotOf('u', ownBatches('u.id', 'p_now'))});
  END IF;
  RETURN (${snapshotOf('u', liveBatches('u.id', 'u.team_id', 'p_now'))});
END $$;

CREATE OR REPLACE FUNCTION cutline_snapshot(u users, p_now BIGINT) RETURNS JSON LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN cutline_snapshot_text(u, p_now)::json;
END $$;

-- Journal.commit for a charge step whose entries (wire texts, seqs, scopes, in seq order) are
-- written: bump each affected account's version (the user — u, as locked — and every member of
-- its team when the team pool moved: p_team) in id order, the user's held credits by p_held,
-- store each account's compact event row, return the events. The user's own event lists every
-- entry of the step (they are all its own); a teammate's, the entries of the team's pool.
CREATE FUNCTION cutline_commit_entries(u users, c charges, p_kind TEXT, p_team TEXT, p_wires TEXT[], p_seqs BIGINT[], p_scopes TEXT[],
  p_held INTEGER, p_now BIGINT, OUT ev_users TEXT[], OUT ev_versions BIGINT[], OUT ev_payloads TEXT[]) LANGUAGE plpgsql AS $$
DECLARE
  m users;
  uid TEXT;
  members TEXT[];
  cause_base TEXT;
  mine TEXT[];
  mine_seqs BIGINT[];
  snap TEXT;
  payload TEXT;
BEGIN
  ev_users := '{}'; ev_versions := '{}'; ev_payloads := '{}';
  -- The cause without its entries (json_strip_nulls of {kind, chargeId, tool, device}).
  cause_base := '{"kind":' || ${str('p_kind')} || ',"chargeId":' || ${str('c.id')} || ',"tool":' || ${str('c.tool')}
    || CASE WHEN c.device_id IS NOT NULL AND c.device_platform IS NOT NULL
         THEN ',"device":{"id":' || ${str('c.device_id')} || ',"platform":' || ${str('c.device_platform')} || '}' ELSE '' END || '}';
  -- In account id order, as Journal.commit bumps them.
  members := CASE WHEN p_team IS NULL THEN ARRAY[c.user_id]
    ELSE ARRAY(SELECT id FROM users WHERE id = c.user_id OR team_id = p_team ORDER BY id COLLATE "C") END;
  FOREACH uid IN ARRAY members LOOP
    IF uid = c.user_id THEN
      UPDATE users SET version = version + 1, held = held + p_held WHERE id = uid RETURNING * INTO m;
      mine := p_wires; mine_seqs := p_seqs;
    ELSE
      UPDATE users SET version = version + 1 WHERE id = uid RETURNING * INTO m;
      SELECT array_agg(x.w ORDER BY x.i), array_agg(x.q ORDER BY x.i) INTO mine, mine_seqs
        FROM unnest(p_wires, p_seqs, p_scopes) WITH ORDINALITY AS x(w, q, s, i) WHERE x.s = m.id OR x.s = m.team_id;
    END IF;
    IF m.team_id IS NULL THEN
      snap := (${snapshotOf('m', ownBatches('m.id', 'p_now'))});
    ELSE
      snap := (${snapshotOf('m', liveBatches('m.id', 'm.team_id', 'p_now'))});
    END IF;
    IF mine IS NULL OR cardinality(mine) = 0 THEN
      payload := '{"balance":' || snap || ',"cause":' || cause_base || '}';
      mine_seqs := NULL;
    ELSE
      payload := '{"balance":' || snap || ',"cause":' || left(cause_base, -1) || ',"entry":' || mine[1]
        || ',"entries":[' || array_to_string(mine, ',') || ']}}';
    END IF;
    INSERT INTO events (user_id, version, at, balance, cause, seqs) VALUES (m.id, m.version, p_now, snap, cause_base, array_to_string(mine_seqs, ','));
    ev_users := ev_users || m.id;
    ev_versions := ev_versions || m.version;
    ev_payloads := ev_payloads || payload;
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION cutline_hold(p_user TEXT, p_key TEXT, p_hash TEXT, p_id TEXT, p_tool TEXT, p_quantity INTEGER,
  p_cost INTEGER, p_eligible BOOLEAN, p_device_id TEXT, p_platform TEXT, p_hold_expires BIGINT, p_now BIGINT)
RETURNS cutline_step LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
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
  kinds TEXT[] := '{}';
  team_moved BOOLEAN := false;
  n BIGINT;
  wires TEXT[];
  seqs BIGINT[];
  scopes TEXT[];
  t TEXT;
BEGIN${lockAccount}
  SELECT * INTO c FROM charges WHERE user_id = p_user AND idem_key = p_key;
  IF FOUND THEN
    IF c.request_hash <> p_hash THEN r.outcome := 'mismatch'; RETURN r; END IF;
    r.outcome := 'replayed'; r.charge := row_to_json(c);
    r.parts := ${partsOf('a', 'allocations a WHERE a.charge_id = c.id')};
    r.balance := cutline_snapshot(u, p_now);
    RETURN r;
  END IF;
  pro := COALESCE(u.exchanged = 0 AND u.pro_uses_remaining IS NOT NULL AND p_eligible AND u.pro_uses_remaining >= p_quantity, false);
  IF NOT pro THEN
    -- allocate(): the plan over the live batches in spending order, under the account's lock.
    FOR b IN SELECT lb.id, lb.type, lb.remaining, lb.owner_kind FROM ${liveBatches('u.id', 'u.team_id', 'p_now')} lb
        ORDER BY ${spendingOrder('lb')} LOOP
      avail := avail + b.remaining;
      CONTINUE WHEN left_ = 0;
      take := least(left_, b.remaining);
      ids := ids || b.id; types := types || b.type; takes := takes || take; kinds := kinds || b.owner_kind;
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
    WITH mv AS (SELECT 0 AS grp, 0 AS ord, c.user_id AS scope, 'hold'::text AS kind, c.pro_uses AS amount, 'proUses'::text AS unit,
      NULL::text AS type, NULL::text AS batch_id),
    ${insertEntries()};
    r.parts := '[]'::json;
  ELSIF array_length(ids, 1) > 0 THEN
    -- Every part from its batch (distinct batches; a batch left short would be a change under the
    -- lock), its allocation and its entry (the team's pool in the team's history), in one statement.
    WITH v AS (SELECT * FROM unnest(ids, types, takes, kinds) WITH ORDINALITY AS v(id, type, take, owner_kind, ord)),
    upd AS (UPDATE batches SET remaining = remaining - v.take FROM v WHERE batches.id = v.id AND batches.remaining >= v.take RETURNING 1),
    al AS (INSERT INTO allocations (charge_id, batch_id, type, amount, ord) SELECT p_id, v.id, v.type, v.take, v.ord - 1 FROM v
      RETURNING batch_id, type, amount, ord),
    mv AS (SELECT 1 AS grp, v.ord, CASE WHEN u.team_id IS NOT NULL AND v.owner_kind = 'team' THEN u.team_id ELSE c.user_id END AS scope,
      'hold'::text AS kind, v.take AS amount, 'credits'::text AS unit, v.type, v.id AS batch_id FROM v),
    ${insertEntries({ exprs: `, (SELECT count(*) FROM upd), ${partsOf('al', 'al')}`, into: ', n, r.parts' })};
    IF n <> array_length(ids, 1) THEN RAISE EXCEPTION 'batches % changed under a locked hold', ids; END IF;
  ELSE
    r.parts := '[]'::json;
  END IF;
  SELECT x.* INTO r.ev_users, r.ev_versions, r.ev_payloads
    FROM cutline_commit_entries(u, c, 'hold', CASE WHEN team_moved THEN u.team_id END, wires, seqs, scopes,
      CASE WHEN pro THEN 0 ELSE p_cost END, p_now) x;
  r.outcome := 'ok'; r.charge := row_to_json(c);
  RETURN r;
END $$;

-- settleRelease: every part back to its batch (a batch that expired meanwhile gets it back and
-- an 'expire' entry at once), Pro uses back to the quota (never above one cycle's worth). The
-- event's cause kind is the step's (p_cause: a capture that found its hold lapsed says 'capture').
CREATE OR REPLACE FUNCTION cutline_settle_release(u users, c charges, p_reason TEXT, p_cause TEXT, p_now BIGINT) RETURNS cutline_step LANGUAGE plpgsql AS $$
DECLARE
  r cutline_step;
  pool BOOLEAN;
  wires TEXT[];
  seqs BIGINT[];
  scopes TEXT[];
BEGIN
  IF c.uses_pro_use = 1 THEN
    UPDATE users SET pro_uses_remaining = CASE WHEN pro_uses_remaining + c.pro_uses > pro_uses_per_cycle
      THEN pro_uses_per_cycle ELSE pro_uses_remaining + c.pro_uses END WHERE id = u.id AND exchanged = 0;
  END IF;
  WITH a AS (${allocationsOf}),
  upd AS (UPDATE batches b SET remaining = b.remaining + a.amount FROM a WHERE b.id = a.batch_id AND NOT a.gone),
  mv AS (${settleEntries('release')}
    UNION ALL
    SELECT 2, a.ord, c.user_id, 'expire', a.amount, 'credits', a.type, a.batch_id FROM a WHERE a.gone),
  ${insertEntries(poolAndParts)};
  UPDATE charges SET status = CASE WHEN p_reason = 'expired' THEN 'expired' ELSE 'released' END,
    release_reason = p_reason, settled_at = p_now WHERE id = c.id AND status = 'held' RETURNING * INTO c;
  SELECT x.* INTO r.ev_users, r.ev_versions, r.ev_payloads
    FROM cutline_commit_entries(u, c, p_cause, CASE WHEN pool AND u.team_id IS NOT NULL THEN u.team_id END, wires, seqs, scopes,
      CASE WHEN c.uses_pro_use = 1 THEN 0 ELSE -c.cost END, p_now) x;
  r.charge := row_to_json(c);
  RETURN r;
END $$;

-- Called as is by this code's capture and release (cutline_capture and cutline_release stay for
-- instances of the code before migration 5).
CREATE OR REPLACE FUNCTION cutline_settle(p_user TEXT, p_charge TEXT, p_step TEXT, p_reason TEXT, p_now BIGINT) RETURNS cutline_step LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  r cutline_step;
  u users;
  t TEXT;
  c charges;
  pool BOOLEAN;
  wires TEXT[];
  seqs BIGINT[];
  scopes TEXT[];
BEGIN${lockAccount}
  SELECT * INTO c FROM charges WHERE id = p_charge AND user_id = p_user;
  IF NOT FOUND THEN r.outcome := 'no_charge'; RETURN r; END IF;
  IF (p_step = 'capture' AND c.status IN ('released', 'expired')) OR (p_step = 'release' AND c.status = 'captured') THEN
    r.outcome := CASE WHEN p_step = 'capture' THEN 'lapsed' ELSE 'captured' END;
  ELSIF c.status = 'held' AND c.hold_expires_at <= p_now THEN
    r := cutline_settle_release(u, c, 'expired', p_step, p_now);
    r.outcome := CASE WHEN p_step = 'capture' THEN 'lapsed' ELSE 'ok' END;
  ELSIF c.status = 'held' AND p_step = 'release' THEN
    r := cutline_settle_release(u, c, p_reason, 'release', p_now);
    r.outcome := 'ok';
  ELSIF c.status = 'held' THEN
    UPDATE charges SET status = 'captured', settled_at = p_now WHERE id = c.id RETURNING * INTO c;
    WITH a AS (${allocationsOf}),
    mv AS (${settleEntries('capture')}),
    ${insertEntries(poolAndParts)};
    SELECT x.* INTO r.ev_users, r.ev_versions, r.ev_payloads
      FROM cutline_commit_entries(u, c, 'capture', CASE WHEN pool AND u.team_id IS NOT NULL THEN u.team_id END, wires, seqs, scopes,
        CASE WHEN c.uses_pro_use = 1 THEN 0 ELSE -c.cost END, p_now) x;
    r.outcome := 'ok';
  ELSE
    r.outcome := 'ok'; -- already settled the way this step asks: the caller's balance as it stands
    r.balance := cutline_snapshot(u, p_now);
  END IF;
  IF r.charge IS NULL THEN r.charge := row_to_json(c); END IF;
  IF r.parts IS NULL THEN r.parts := ${partsOf('a', 'allocations a WHERE a.charge_id = c.id')}; END IF;
  RETURN r;
END $$;

-- The entry points (hold above, settle, capture, release, quote) plan every statement under them generically:
-- PostgreSQL's default keeps re-planning a statement whose custom plans look cheaper (the hold's
-- arrays of known length, a known NULL team), which cost the hold more than half its time; every
-- statement here is a key lookup whose generic plan is the same index scan.
CREATE OR REPLACE FUNCTION cutline_capture(p_user TEXT, p_charge TEXT, p_now BIGINT) RETURNS cutline_step LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  RETURN cutline_settle(p_user, p_charge, 'capture', NULL, p_now);
END $$;

CREATE OR REPLACE FUNCTION cutline_release(p_user TEXT, p_charge TEXT, p_reason TEXT, p_now BIGINT) RETURNS cutline_step LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  RETURN cutline_settle(p_user, p_charge, 'release', p_reason, p_now);
END $$;

ALTER FUNCTION cutline_quote(TEXT, INTEGER, INTEGER, BOOLEAN, BIGINT) SET plan_cache_mode = force_generic_plan;
`;

export const migration: Migration = {
  version: 5,
  name: 'PostgreSQL: lean charge step functions (statements planned once per connection, one INSERT per movement)',
  // The same steps, results, locks, rows and event bytes as migrations 3 and 4.
  // SQLite runs the steps in-process: nothing to do there.
  sql: (d) => (d === 'postgres' ? PG_CHARGE_FUNCTIONS_V5 : ''),
};
