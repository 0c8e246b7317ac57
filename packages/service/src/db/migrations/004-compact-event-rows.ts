/**
 * Migration 4: compact event rows. An `events` row keeps the balance snapshot's JSON, the cause
 * without its entries and the seqs of the account's entries (db/event-log.ts reads them back and
 * rebuilds the payload); `payload` stays for the rows written before. On PostgreSQL
 * `cutline_commit` stores those three columns and the step still returns the full payloads for
 * the live events; an entry's `member` is written as `ledgerWire` + `JSON.stringify` write it (no
 * spaces), so a payload read back is byte for byte the one delivered live. Capture and release
 * become one function, `cutline_settle`.
 *
 * History: applied once to every database, in version order, and never edited afterwards (a
 * change is the next migration). The list the code runs is db/migrations.ts.
 */
import type { Migration } from '../migrations';

const PG_CHARGE_FUNCTIONS_V4 = `
CREATE OR REPLACE FUNCTION cutline_entry_wire(l ledger, p_member_email TEXT) RETURNS JSON LANGUAGE sql STABLE AS $$
  SELECT row_to_json(e) FROM (SELECT 'le_' || l.seq AS id, cutline_iso(l.at) AS at, l.kind, l.amount, l.type,
    l.batch_id AS "batchId", l.charge_id AS "chargeId", l.tool,
    CASE WHEN l.device_id IS NOT NULL AND l.device_platform IS NOT NULL
      THEN (SELECT row_to_json(d) FROM (SELECT l.device_id AS id, l.device_platform AS platform) d) END AS device,
    l.unit,
    CASE WHEN l.charge_id IS NOT NULL AND l.user_id IS NOT NULL AND p_member_email IS NOT NULL
      THEN (SELECT row_to_json(mm) FROM (SELECT l.user_id AS id, p_member_email AS email) mm) END AS member) e
$$;

CREATE OR REPLACE FUNCTION cutline_commit(c charges, p_kind TEXT, p_team TEXT, p_seqs BIGINT[], p_held INTEGER, p_now BIGINT,
  OUT ev_users TEXT[], OUT ev_versions BIGINT[], OUT ev_payloads TEXT[]) LANGUAGE plpgsql AS $$
DECLARE
  m users;
  uid TEXT;
  cause_base TEXT;
  cause TEXT;
  wires JSON[];
  seqs_ BIGINT[];
  users_ TEXT[];
  scopes TEXT[];
  mine JSON[];
  mine_seqs BIGINT[];
  snap TEXT;
  payload TEXT;
BEGIN
  ev_users := '{}'; ev_versions := '{}'; ev_payloads := '{}';
  SELECT json_strip_nulls(row_to_json(k))::text INTO cause_base FROM (SELECT p_kind AS kind, c.id AS "chargeId", c.tool AS tool,
    CASE WHEN c.device_id IS NOT NULL AND c.device_platform IS NOT NULL
      THEN json_build_object('id', c.device_id, 'platform', c.device_platform) END AS device) k;
  SELECT array_agg(cutline_entry_wire(l, mu.email) ORDER BY l.seq), array_agg(l.seq ORDER BY l.seq),
         array_agg(l.user_id ORDER BY l.seq), array_agg(l.scope_id ORDER BY l.seq)
    INTO wires, seqs_, users_, scopes FROM ledger l LEFT JOIN users mu ON mu.id = l.user_id WHERE l.seq = ANY(p_seqs);
  -- In account id order, as Journal.commit bumps them.
  FOR uid IN SELECT id FROM users WHERE id = c.user_id OR (p_team IS NOT NULL AND team_id = p_team) ORDER BY id COLLATE "C" LOOP
    UPDATE users SET version = version + 1, held = held + CASE WHEN id = c.user_id THEN p_held ELSE 0 END
     WHERE id = uid RETURNING * INTO m;
    cause := cause_base;
    SELECT array_agg(x.w ORDER BY x.i), array_agg(x.q ORDER BY x.i) INTO mine, mine_seqs
      FROM unnest(wires, seqs_, users_, scopes) WITH ORDINALITY AS x(w, q, uid_, s, i)
     WHERE x.uid_ = m.id OR x.s = m.id OR x.s = m.team_id;
    IF mine IS NOT NULL THEN
      cause := left(cause_base, -1) || ',"entry":' || mine[1]::text || ',"entries":' || array_to_json(mine)::text || '}';
    END IF;
    snap := cutline_snapshot(m, p_now)::text;
    payload := '{"balance":' || snap || ',"cause":' || cause || '}';
    INSERT INTO events (user_id, version, at, balance, cause, seqs) VALUES (m.id, m.version, p_now, snap, cause_base, array_to_string(mine_seqs, ','));
    ev_users := ev_users || m.id;
    ev_versions := ev_versions || m.version;
    ev_payloads := ev_payloads || payload;
  END LOOP;
END $$;

-- charges.capture and charges.release (p_step) in one: the account locked (its team first), then
-- its charge. Capture: 'ok' (captured now, or already), 'lapsed' (released or expired; a hold
-- that lapsed is released here first and that is committed). Release: 'ok' (released now — as
-- 'expired' when its hold lapsed — or already settled), 'captured' (refused, nothing written).
-- Both: 'no_user', 'no_charge'. The event's cause kind is the step's.
CREATE FUNCTION cutline_settle(p_user TEXT, p_charge TEXT, p_step TEXT, p_reason TEXT, p_now BIGINT) RETURNS cutline_step LANGUAGE plpgsql AS $$
DECLARE
  r cutline_step;
  u users := cutline_lock_account(p_user);
  c charges;
BEGIN
  IF u.id IS NULL THEN r.outcome := 'no_user'; RETURN r; END IF;
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
    SELECT x.* INTO r.ev_users, r.ev_versions, r.ev_payloads
      FROM cutline_commit(c, 'capture', cutline_pool_team(u, c), cutline_movement(c, u.team_id, 'capture', p_now),
        CASE WHEN c.uses_pro_use = 1 THEN 0 ELSE -c.cost END, p_now) x;
    r.outcome := 'ok';
  ELSE
    r.outcome := 'ok'; -- already settled the way this step asks: the caller's balance as it stands
    r.balance := cutline_snapshot(u, p_now);
  END IF;
  IF r.charge IS NULL THEN r.charge := row_to_json(c); r.parts := cutline_parts(c.id); END IF;
  RETURN r;
END $$;

CREATE OR REPLACE FUNCTION cutline_capture(p_user TEXT, p_charge TEXT, p_now BIGINT) RETURNS cutline_step LANGUAGE sql AS $$
  SELECT * FROM cutline_settle(p_user, p_charge, 'capture', NULL, p_now)
$$;

CREATE OR REPLACE FUNCTION cutline_release(p_user TEXT, p_charge TEXT, p_reason TEXT, p_now BIGINT) RETURNS cutline_step LANGUAGE sql AS $$
  SELECT * FROM cutline_settle(p_user, p_charge, 'release', p_reason, p_now)
$$;
`;

export const migration: Migration = {
  version: 4,
  name: 'compact event rows: the balance, the cause without its entries, the seqs of its ledger entries',
  // A row keeps what the ledger does not (db/event-log.ts rebuilds the SSE payload from it);
  // `payload` stays for the rows written before, which are read as they are until pruned.
  // SQLite cannot drop a NOT NULL: the table is rebuilt (it holds an hour of events at most).
  sql: (d) =>
    d === 'postgres'
      ? `
ALTER TABLE events ALTER COLUMN payload DROP NOT NULL, ADD COLUMN balance TEXT, ADD COLUMN cause TEXT, ADD COLUMN seqs TEXT;
${PG_CHARGE_FUNCTIONS_V4}`
      : `
CREATE TABLE events_v4 (
  user_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  at BIGINT NOT NULL,
  payload TEXT,
  balance TEXT,
  cause TEXT,
  seqs TEXT,
  PRIMARY KEY (user_id, version)
);
INSERT INTO events_v4 (user_id, version, at, payload) SELECT user_id, version, at, payload FROM events;
DROP TABLE events;
ALTER TABLE events_v4 RENAME TO events;
CREATE INDEX events_at ON events(at);
`,
};
